package trace

import (
	"fmt"
	"io"
	"time"
)

// azureLayout is the timestamp layout of the Azure LLM inference traces (7 fractional
// digits, no zone; read as UTC).
const azureLayout = "2006-01-02 15:04:05.0000000"

// AzureLLM is the Azure LLM inference trace format (2023 code and conversation):
// CSV with header TIMESTAMP,ContextTokens,GeneratedTokens, one row per request. The token
// columns are optional; when present each request carries its counts (ContextTokens as
// input, GeneratedTokens as output).
func AzureLLM() Format {
	return Format{
		Name:        "azure-llm",
		Description: "Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens), one row per request, with token counts",
		Open: func(r io.Reader, _ OpenOptions) (Reader, error) {
			rows := newCSVRows(r, "azure-llm")
			idx, err := rows.header("TIMESTAMP")
			if err != nil {
				return nil, err
			}
			in, out, tokens, err := rows.tokenColumns("ContextTokens", "GeneratedTokens")
			if err != nil {
				return nil, err
			}
			return &azureReader{rows: rows, col: idx[0], in: in, out: out, tokens: tokens}, nil
		},
	}
}

type azureReader struct {
	rows    *csvRows
	col     int
	in, out int // token columns, when tokens
	tokens  bool
}

func (a *azureReader) Next() (Event, error) {
	rec, line, err := a.rows.next()
	if err != nil {
		return Event{}, err
	}
	s := field(rec, a.col)
	t, err := time.ParseInLocation(azureLayout, s, time.UTC)
	if err != nil {
		// Tolerate fewer fractional digits.
		t2, err2 := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
		if err2 != nil {
			return Event{}, fmt.Errorf("azure-llm: line %d: TIMESTAMP %q is not like 2023-11-16 18:17:03.9799600", line, s)
		}
		t = t2
	}
	e := Event{Time: t, Count: 1}
	if a.tokens {
		if e.Tokens, err = parseTokens("ContextTokens", field(rec, a.in), "GeneratedTokens", field(rec, a.out)); err != nil {
			return Event{}, fmt.Errorf("azure-llm: line %d: %w", line, err)
		}
	}
	return e, nil
}

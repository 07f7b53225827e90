package mathexpr

import (
	"fmt"
	"strconv"
	"strings"
)

// SyntaxError reports a malformed expression.
type SyntaxError struct {
	Expr string
	Pos  int // byte offset of the offending token
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid expression %q at position %d: %s", e.Expr, e.Pos+1, e.Msg)
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tStr
	tOp // + - * / ^ == != < <= > >= && || ( ) [ ] ,
)

type token struct {
	kind tokKind
	text string
	num  float64
	pos  int
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					for k < len(src) && src[k] >= '0' && src[k] <= '9' {
						k++
					}
					j = k
				}
			}
			f, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, &SyntaxError{Expr: src, Pos: i, Msg: fmt.Sprintf("malformed number %q", src[i:j])}
			}
			toks = append(toks, token{kind: tNum, text: src[i:j], num: f, pos: i})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: src[i:j], pos: i})
			i = j
		case c == '"' || c == '\'':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 {
				return nil, &SyntaxError{Expr: src, Pos: i, Msg: "unterminated string"}
			}
			toks = append(toks, token{kind: tStr, text: src[i+1 : i+1+j], pos: i})
			i += j + 2
		default:
			two := ""
			if i+1 < len(src) {
				two = src[i : i+2]
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||":
				toks = append(toks, token{kind: tOp, text: two, pos: i})
				i += 2
				continue
			}
			if strings.IndexByte("+-*/^<>()[],", c) >= 0 {
				toks = append(toks, token{kind: tOp, text: string(c), pos: i})
				i++
				continue
			}
			return nil, &SyntaxError{Expr: src, Pos: i, Msg: fmt.Sprintf("unexpected character %q", c)}
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

// node is a parsed expression.
type node interface{ pos() int }

type (
	numNode struct {
		p int
		v float64
	}
	strNode struct {
		p int
		s string
	}
	refNode struct {
		p  int
		id string
	}
	// keyword such as REPEAT or LINEAR (FILL's second argument).
	kwNode struct {
		p    int
		name string
	}
	unaryNode struct {
		p  int
		op string
		x  node
	}
	binNode struct {
		p    int
		op   string
		l, r node
	}
	callNode struct {
		p    int
		name string
		args []node
	}
	arrayNode struct {
		p     int
		elems []node
	}
)

func (n *numNode) pos() int   { return n.p }
func (n *strNode) pos() int   { return n.p }
func (n *refNode) pos() int   { return n.p }
func (n *kwNode) pos() int    { return n.p }
func (n *unaryNode) pos() int { return n.p }
func (n *binNode) pos() int   { return n.p }
func (n *callNode) pos() int  { return n.p }
func (n *arrayNode) pos() int { return n.p }

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) errf(pos int, format string, args ...any) error {
	return &SyntaxError{Expr: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) isOp(s ...string) bool {
	t := p.peek()
	if t.kind == tOp {
		for _, x := range s {
			if t.text == x {
				return true
			}
		}
	}
	if t.kind == tIdent {
		for _, x := range s {
			if (x == "&&" && t.text == "AND") || (x == "||" && t.text == "OR") {
				return true
			}
		}
	}
	return false
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

// parse parses a whole expression.
func parse(src string) (node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &SyntaxError{Expr: src, Msg: "the expression is empty"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.binary(0, 0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errf(t.pos, "unexpected %q after the end of the expression", t.text)
	}
	return n, nil
}

var precedence = [][]string{
	{"||"},
	{"&&"},
	{"==", "!=", "<", "<=", ">", ">="},
	{"+", "-"},
	{"*", "/"},
}

func (p *parser) binary(level, depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.errf(p.peek().pos, "the expression is nested too deeply")
	}
	if level == len(precedence) {
		return p.unary(depth)
	}
	l, err := p.binary(level+1, depth+1)
	if err != nil {
		return nil, err
	}
	for p.isOp(precedence[level]...) {
		t := p.next()
		op := t.text
		switch op {
		case "AND":
			op = "&&"
		case "OR":
			op = "||"
		}
		r, err := p.binary(level+1, depth+1)
		if err != nil {
			return nil, err
		}
		l = &binNode{p: t.pos, op: op, l: l, r: r}
	}
	return l, nil
}

func (p *parser) unary(depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.errf(p.peek().pos, "the expression is nested too deeply")
	}
	if p.isOp("-", "+") {
		t := p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		if t.text == "+" {
			return x, nil
		}
		return &unaryNode{p: t.pos, op: "-", x: x}, nil
	}
	if t := p.peek(); t.kind == tIdent && t.text == "NOT" {
		p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &unaryNode{p: t.pos, op: "NOT", x: x}, nil
	}
	return p.power(depth + 1)
}

func (p *parser) power(depth int) (node, error) {
	base, err := p.primary(depth + 1)
	if err != nil {
		return nil, err
	}
	if p.isOp("^") {
		t := p.next()
		exp, err := p.unary(depth + 1) // right associative
		if err != nil {
			return nil, err
		}
		return &binNode{p: t.pos, op: "^", l: base, r: exp}, nil
	}
	return base, nil
}

func (p *parser) list(closer string, depth int) ([]node, error) {
	var out []node
	if p.isOp(closer) {
		p.next()
		return out, nil
	}
	for {
		n, err := p.binary(0, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if p.isOp(",") {
			p.next()
			continue
		}
		if p.isOp(closer) {
			p.next()
			return out, nil
		}
		t := p.peek()
		if t.kind == tEOF {
			return nil, p.errf(t.pos, "missing %q", closer)
		}
		return nil, p.errf(t.pos, "expected \",\" or %q, found %q", closer, t.text)
	}
}

func (p *parser) primary(depth int) (node, error) {
	t := p.next()
	switch t.kind {
	case tEOF:
		return nil, p.errf(t.pos, "unexpected end of the expression")
	case tNum:
		return &numNode{p: t.pos, v: t.num}, nil
	case tStr:
		return &strNode{p: t.pos, s: t.text}, nil
	case tIdent:
		if p.isOp("(") {
			p.next()
			if _, ok := functions[t.text]; !ok {
				return nil, p.errf(t.pos, "unknown function %s", t.text)
			}
			args, err := p.list(")", depth)
			if err != nil {
				return nil, err
			}
			return &callNode{p: t.pos, name: t.text, args: args}, nil
		}
		switch t.text {
		case "REPEAT", "LINEAR":
			return &kwNode{p: t.pos, name: t.text}, nil
		}
		if t.text[0] < 'a' || t.text[0] > 'z' {
			return nil, p.errf(t.pos, "%q is not a query id (ids start with a lowercase letter) nor a function call", t.text)
		}
		return &refNode{p: t.pos, id: t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			n, err := p.binary(0, depth+1)
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				nt := p.peek()
				if nt.kind == tEOF {
					return nil, p.errf(nt.pos, "missing \")\"")
				}
				return nil, p.errf(nt.pos, "expected \")\", found %q", nt.text)
			}
			p.next()
			return n, nil
		case "[":
			elems, err := p.list("]", depth)
			if err != nil {
				return nil, err
			}
			if len(elems) == 0 {
				return nil, p.errf(t.pos, "an array needs at least one element")
			}
			return &arrayNode{p: t.pos, elems: elems}, nil
		}
	}
	return nil, p.errf(t.pos, "unexpected %q", t.text)
}

// refs appends the query ids n references.
func refs(n node, out []string) []string {
	switch n := n.(type) {
	case *refNode:
		out = append(out, n.id)
	case *unaryNode:
		out = refs(n.x, out)
	case *binNode:
		out = refs(n.r, refs(n.l, out))
	case *callNode:
		for _, a := range n.args {
			out = refs(a, out)
		}
	case *arrayNode:
		for _, a := range n.elems {
			out = refs(a, out)
		}
	}
	return out
}

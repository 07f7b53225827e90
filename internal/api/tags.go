package api

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// updateTags applies f to the tags of the target named by arn, with compare-and-swap retries.
func (s *service) updateTags(ctx context.Context, account, arn string, f func(tags map[string]string) error) error {
	return retryCAS(ctx, func() error {
		t, err := s.store.GetTargetByARN(ctx, account, arn)
		if errors.Is(err, store.ErrNotFound) {
			return &resourceNotFoundError{arn: arn}
		}
		if err != nil {
			return wrapf(err, "reading scalable target %s", arn)
		}
		tags := maps.Clone(t.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		if err := f(tags); err != nil {
			return err
		}
		t.Tags = tags
		if len(tags) == 0 {
			t.Tags = nil
		}
		_, err = s.store.PutTarget(ctx, t)
		if errors.Is(err, store.ErrNotFound) {
			return &resourceNotFoundError{arn: arn}
		}
		return wrapf(err, "writing tags of %s", arn)
	})
}

func (s *service) tagResource(ctx context.Context, account string, in *tagResourceIn) (*empty, error) {
	if err := model.ValidateUserTags(slices.Collect(maps.Keys(in.Tags))); err != nil {
		return nil, err
	}
	err := s.updateTags(ctx, account, in.ResourceARN, func(tags map[string]string) error {
		maps.Copy(tags, in.Tags)
		if len(tags) > s.limits.TagsPerResource {
			return &tooManyTagsError{arn: in.ResourceARN, n: len(tags), limit: s.limits.TagsPerResource}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (s *service) untagResource(ctx context.Context, account string, in *untagResourceIn) (*empty, error) {
	err := s.updateTags(ctx, account, in.ResourceARN, func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (s *service) listTagsForResource(ctx context.Context, account string, in *listTagsForResourceIn) (*listTagsForResourceOut, error) {
	t, err := s.store.GetTargetByARN(ctx, account, in.ResourceARN)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &resourceNotFoundError{arn: in.ResourceARN}
	}
	if err != nil {
		return nil, wrapf(err, "reading scalable target %s", in.ResourceARN)
	}
	tags := maps.Clone(t.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &listTagsForResourceOut{Tags: tags}, nil
}

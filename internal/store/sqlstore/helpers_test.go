package sqlstore

import (
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

func testKey(name string) model.TargetKey {
	return model.TargetKey{
		Account:    "111111111111",
		Namespace:  "sagemaker",
		ResourceID: "inference-component/" + name,
		Dimension:  "sagemaker:inference-component:DesiredCopyCount",
	}
}

func testTarget(k model.TargetKey) model.ScalableTarget {
	return model.ScalableTarget{
		TargetKey:    k,
		MinCapacity:  1,
		MaxCapacity:  4,
		CreationTime: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		ARN:          "arn:aws:application-autoscaling:us-east-1:" + k.Account + ":scalable-target/" + k.ResourceID,
		Tags:         map[string]string{"k": "v"},
	}
}

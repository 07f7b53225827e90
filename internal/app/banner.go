package app

import (
	"fmt"
	"io"
	"strings"
)

// banner tells a newcomer how to reach the server with the tools they already use.
func banner(w io.Writer, endpoint, region string, insecure bool, accessKey, secretKey, credPath string, generated bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nscaled is serving the AWS Application Auto Scaling, CloudWatch, SageMaker and SageMaker Runtime APIs\n")
	fmt.Fprintf(&b, "  endpoint: %s\n  region:   %s\n", endpoint, region)
	if insecure {
		fmt.Fprintf(&b, "\n  !!! INSECURE DEVELOPMENT MODE: request signatures are NOT checked; anyone who can reach\n  !!! %s can change your scaling configuration. Never use --insecure in production.\n", endpoint)
		accessKey, secretKey = "any", "any"
	} else {
		if generated {
			fmt.Fprintf(&b, "  credentials: generated a new access key into %s (keep it secret)\n", credPath)
		} else {
			fmt.Fprintf(&b, "  credentials: %s\n", credPath)
		}
	}
	fmt.Fprintf(&b, "\nPoint your tools at it (only the endpoint changes):\n\n")
	fmt.Fprintf(&b, "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s\n", accessKey, secretKey, region, region)
	fmt.Fprintf(&b, "  export AWS_ENDPOINT_URL=%s   # honoured by AWS CLI v2, boto3 >= 1.28 and aws-sdk-go-v2\n\n", endpoint)
	fmt.Fprintf(&b, "  aws application-autoscaling describe-scalable-targets --service-namespace sagemaker --endpoint-url %s\n\n", endpoint)
	fmt.Fprintf(&b, "  python3 -c \"import boto3; print(boto3.client('application-autoscaling', endpoint_url='%s').describe_scalable_targets(ServiceNamespace='sagemaker'))\"\n\n", endpoint)
	fmt.Fprintf(&b, "  // Go: applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) { o.BaseEndpoint = aws.String(%q) })\n\n", endpoint)
	_, _ = io.WriteString(w, b.String())
}

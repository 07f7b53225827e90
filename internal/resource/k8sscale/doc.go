// Package k8sscale is the resource.Actuator for Kubernetes workloads with a scale
// subresource: apps/v1 Deployments, StatefulSets and ReplicaSets. Targets are registered in
// the custom-resource namespace with a ResourceId of the form
//
//	kubernetes:///<namespace>/<resource>/<name>
//	kubernetes://<kubeconfig-context>/<namespace>/<resource>/<name>
//
// where resource is deployments, statefulsets or replicasets. Without a context the default
// cluster is used (in-cluster credentials or the kubeconfig's current context). A context
// name that contains characters outside a URL host, such as the "/" and ":" of an EKS
// context ARN, is written percent-encoded.
//
// The actuator reads and writes the autoscaling/v1 Scale of the workload with the typed
// apps/v1 client (GetScale, UpdateScale), so no discovery is needed. The desired capacity
// is spec.replicas, the actual capacity status.replicas; the status is InProgress while
// they differ and Successful once they agree. SetDesired is a read-modify-write of the
// Scale, repeated on a 409 Conflict.
package k8sscale

package serving

import (
	"fmt"
	"os/exec"
	"sort"
)

// ModelServerImage is the container image that runs the built-in synthetic model server.
const ModelServerImage = "scaled:model-server"

// CommandFunc maps a container image and its environment to the command that runs one copy.
// The runtime adds the environment to the returned command (see Options.Commands).
type CommandFunc func(image string, env map[string]string) (*exec.Cmd, error)

// CommandTable is the usual CommandFunc: ModelServer is the command line of the built-in
// model server (image "scaled:model-server"), Images maps other images to command lines.
type CommandTable struct {
	ModelServer []string
	Images      map[string][]string
}

// Command returns the command for image; env is applied by the runtime.
func (t CommandTable) Command(image string, env map[string]string) (*exec.Cmd, error) {
	argv := t.Images[image]
	if argv == nil && image == ModelServerImage {
		argv = t.ModelServer
	}
	if len(argv) == 0 {
		known := make([]string, 0, len(t.Images)+1)
		if len(t.ModelServer) > 0 {
			known = append(known, ModelServerImage)
		}
		for k := range t.Images {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("image %q has no local command; configured images: %v", image, known)
	}
	return exec.Command(argv[0], argv[1:]...), nil
}

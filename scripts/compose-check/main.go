// compose-check validates docker-compose.yml with compose-go, the loader that `docker compose`
// itself uses: schema, interpolation, references between services. No Docker engine needed.
// Prints one line per service (name, health check, replicas), then, with --json, the whole
// project as compose-go resolved it (interpolated, paths made absolute) for structural checks.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	args := os.Args[1:]
	asJSON := len(args) == 2 && args[0] == "--json"
	if asJSON {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--json] <docker-compose.yml>")
		os.Exit(2)
	}
	file, _ := filepath.Abs(args[0])
	options, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithWorkingDirectory(filepath.Dir(file)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if asJSON {
		out, err := project.MarshalJSON()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(string(out))
		return
	}
	for _, name := range project.ServiceNames() {
		service := project.Services[name]
		replicas := 1
		if service.Deploy != nil && service.Deploy.Replicas != nil {
			replicas = *service.Deploy.Replicas
		}
		fmt.Printf("%s healthcheck=%t replicas=%d\n", name, service.HealthCheck != nil && !service.HealthCheck.Disable, replicas)
	}
}

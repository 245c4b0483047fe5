package main

import "context"

// runDetectCmd adapts runDetect (detect.go) to the command table.
func runDetectCmd(_ context.Context, env *cmdEnv, args []string) error {
	return runDetect(args, env.stdout, env.stderr)
}

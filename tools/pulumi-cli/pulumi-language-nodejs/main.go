// Command pulumi-language-nodejs is the Node.js language host the engine tests run beside the real `pulumi` CLI.
//
// Why not Pulumi's own: the real host is its own Go module (github.com/pulumi/pulumi/sdk/nodejs/cmd/
// pulumi-language-nodejs/v3), untagged, and the Go module proxy this project can reach does not serve it (every
// version, including v3.0.0-20260624180030-dc7edd58bc13, the commit tagged pkg/v3.248.0, answers 403 "not
// available"). This host keeps the real host's contract (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go
// at pkg/v3.248.0, commit dc7edd58bc13): the engine speaks the same LanguageRuntime gRPC protocol to it, and it
// starts the same Node.js entry points of the installed @pulumi/pulumi (cmd/run for programs, cmd/run-policy-pack
// behind the SDK's own PolicyProxy for policy packs) with the same arguments and environment. What it leaves out,
// and so the engine tests do not exercise: the monitor proxy with its synchronous-invoke pipes (--sync; this program
// makes no synchronous invokes), dependency installation (npm ci installs them), debugging, bun, code generation.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blang/semver"
	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The exit code with which @pulumi/pulumi's cmd/run says it already showed the user an actionable message.
const exitedAfterUserMessage = 32

func main() {
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("runtime", "nodejs", "ignored: only nodejs is supported by this host")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	host := &languageHost{}
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if host.engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, host.engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}
	stop := make(chan bool)
	go func() { <-ctx.Done(); close(stop) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from the first line
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (host *languageHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	host.engineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (host *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages lists the resource plugins of the installed packages, as the real host does: every
// node_modules package.json with `"pulumi": {"resource": true}`, named after the package and at its version.
func (host *languageHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	seen := map[string]bool{}
	var packages []*pulumirpc.PackageDependency
	// node_modules may be a link to a shared install: walk what it points at.
	root, err := filepath.EvalSymlinks(filepath.Join(req.Info.ProgramDirectory, "node_modules"))
	if err != nil {
		return &pulumirpc.GetRequiredPackagesResponse{}, nil //nolint:nilerr // no node_modules: no plugins
	}
	err = filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // an unreadable folder holds no plugin we could use
		}
		if entry.IsDir() && path != root {
			if policyPack, _ := workspace.DetectPolicyPackPathAt(path); policyPack != "" {
				return fs.SkipDir // a policy pack's plugins are not the program's
			}
		}
		if entry.Name() != "package.json" || entry.IsDir() {
			return nil
		}
		dependency, ok := packageDependency(path)
		if ok && !seen[dependency.Name+dependency.Version] {
			seen[dependency.Name+dependency.Version] = true
			packages = append(packages, dependency)
		}
		return nil
	})
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, err
}

func packageDependency(path string) (*pulumirpc.PackageDependency, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var info struct {
		Name    string                  `json:"name"`
		Version string                  `json:"version"`
		Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
	}
	if json.Unmarshal(raw, &info) != nil || !info.Pulumi.Resource {
		return nil, false
	}
	name := info.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	pluginVersion := info.Pulumi.Version
	if pluginVersion == "" {
		pluginVersion = info.Version
	}
	if _, err := semver.ParseTolerant(pluginVersion); err != nil {
		return nil, false
	}
	return &pulumirpc.PackageDependency{
		Name: name, Kind: "resource", Version: "v" + strings.TrimPrefix(pluginVersion, "v"), Server: info.Pulumi.Server,
	}, true
}

// InstallDependencies has nothing to do: `npm ci` installed the repository's dependencies.
func (host *languageHost) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

func (host *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (host *languageHost) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// typeScriptEnv carries Pulumi.yaml's runtime options to @pulumi/pulumi as the real host does (typescript defaults
// to true).
func typeScriptEnv(info *pulumirpc.ProgramInfo) []string {
	options := info.GetOptions().AsMap()
	var env []string
	if typescript, ok := options["typescript"].(bool); !ok || typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env
}

// resolveModule finds an entry point of the @pulumi/pulumi installed for the program, with node's own resolution.
func resolveModule(module, dir string) (string, error) {
	cmd := exec.Command("node", "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s is not installed in %s (run npm ci): %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Run starts the program: `node @pulumi/pulumi/cmd/run --monitor … <entry point>`, config in PULUMI_CONFIG.
func (host *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	runPath, err := resolveModule("@pulumi/pulumi/cmd/run", req.Info.ProgramDirectory)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := []string{runPath}
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", host.engineAddress)
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("project", req.GetProject())
	flagIfSet("root-directory", req.GetInfo().GetRootDirectory())
	flagIfSet("stack", req.GetStack())
	flagIfSet("pwd", req.Info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, req.Info.EntryPoint)
	args = append(args, req.GetArgs()...)

	// @pulumi/pulumi still reads config keys in the old `<namespace>:config:<name>` form (as the real host sends).
	configBag := map[string]string{}
	for key, value := range req.GetConfig() {
		parsed, err := config.ParseKey(key)
		if err != nil {
			return nil, err
		}
		configBag[parsed.Namespace()+":config:"+parsed.Name()] = value
	}
	configJSON, err := json.Marshal(configBag)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	cmd.Env = append(cmd.Env, typeScriptEnv(req.Info)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitedAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin starts a policy pack (the only plugin kind this repository runs through the host):
// `node @pulumi/pulumi/cmd/run-policy-pack <pack dir>` in the pack's folder, behind the SDK's PolicyProxy, which
// answers the engine's stack configuration first so the pack starts with its stack's config in PULUMI_CONFIG.
func (host *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	if req.Kind != string(apitype.AnalyzerPlugin) {
		return fmt.Errorf("this language host runs policy packs only, not %s plugins", req.Kind)
	}
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	runPath, err := resolveModule("@pulumi/pulumi/cmd/run-policy-pack", req.Info.ProgramDirectory)
	if err != nil {
		return err
	}
	proxy, proxiedStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get stack configuration: %w", err)
	}
	env := append(req.Env, typeScriptEnv(req.Info)...)
	if stack != nil {
		for name, value := range map[string]string{
			"PULUMI_NODEJS_ORGANIZATION": stack.Organization,
			"PULUMI_NODEJS_PROJECT":      stack.Project,
			"PULUMI_NODEJS_STACK":        stack.Stack,
			"PULUMI_NODEJS_DRY_RUN":      strconv.FormatBool(stack.DryRun),
		} {
			if value != "" {
				env = append(env, name+"="+value)
			}
		}
		if stack.Config != nil {
			configJSON, err := json.Marshal(stack.Config)
			if err != nil {
				return err
			}
			env = append(env, "PULUMI_CONFIG="+string(configJSON))
		}
	}
	args := append([]string{runPath}, req.Args...)
	cmd := exec.CommandContext(ctx, "node", append(args, req.Info.ProgramDirectory)...)
	cmd.Dir = req.Info.ProgramDirectory
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = proxiedStdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the policy pack: %w", err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		return fmt.Errorf("could not attach policy pack proxy: %w", err)
	}
	return closer.Close()
}

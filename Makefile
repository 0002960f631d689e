# GithubSts — see README.md. `make demo` runs the service; `make test` runs every test tier.
DOTNET ?= dotnet
CONFIGURATION ?= Release

.PHONY: demo run build test bench lint format publish image chart-lint clean

demo: ## Start the service against the bundled GitHub simulator and OIDC issuer, exchange once, get denied once
	$(DOTNET) run --project tests/GithubSts.Demo -c $(CONFIGURATION) --

run: ## Like demo, but keep everything running and print a curl command to try
	$(DOTNET) run --project tests/GithubSts.Demo -c $(CONFIGURATION) -- --serve

build:
	$(DOTNET) build GithubSts.sln -c $(CONFIGURATION)

test: ## Install what the tests need, check formatting, run all tests
	bash tests/run-tests.sh

BENCH_ARGS ?=
bench: ## Benchmarks (micro, macro, scale): prints a table and writes artifacts/bench/bench-results.json. BENCH_ARGS="macro --quick"
	bash tests/tools/install-test-dependencies.sh || echo "bench: test dependencies missing; the scale suite will say what it skips"
	$(DOTNET) run --project tests/GithubSts.Benchmarks -c Release -- $(BENCH_ARGS)

lint:
	$(DOTNET) format GithubSts.sln --verify-no-changes

format:
	$(DOTNET) format GithubSts.sln

# ReadyToRun needs a runtime identifier; framework-dependent still (the image's ASP.NET Core runtime). RID=linux-arm64 to cross-compile.
RID ?= linux-x64
publish: ## Framework-dependent ReadyToRun Release build of the github-sts executable into ./out (run: dotnet out/github-sts.dll)
	$(DOTNET) publish src/Operator -c Release -r $(RID) --self-contained false -p:PublishReadyToRun=true -o out

IMAGE ?= github-sts:dev
HELM ?= $(or $(wildcard $(or $(GITHUBSTS_CACHE),/var/cache/githubsts)/bin/helm),helm)

image: ## Build the container image (Dockerfile at the repo root) as $(IMAGE)
	docker build -t $(IMAGE) .

chart-lint: ## helm lint and render the chart in charts/github-sts
	$(HELM) lint charts/github-sts
	$(HELM) template github-sts charts/github-sts --namespace github-sts >/dev/null

clean:
	$(DOTNET) clean GithubSts.sln
	rm -rf out

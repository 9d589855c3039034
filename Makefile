# edgeloop — the commands a user runs. Each target installs and builds what it needs first.
#   make demo    install dependencies, build, run the main job
#   make test    install dependencies, build, run every test
#   make build   install dependencies and build
#   make bench   build and run the benchmarks (results in docs/performance.md)

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: all deps configure build test test-soak demo bench format clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test except the long soak runs (label "soak"); those run with `make test-soak`.
test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE soak $(CTEST_FLAGS)

test-soak: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L soak $(CTEST_FLAGS)

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)

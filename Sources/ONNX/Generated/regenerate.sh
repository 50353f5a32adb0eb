#!/usr/bin/env bash
# Regenerates onnx.pb.swift from onnx.proto (copied from the pip package `onnx`, which ships it
# as onnx/onnx.proto). The generated code is committed so builds need neither protoc nor the
# SwiftProtobuf build plugin (which costs ~10 minutes per CI build).
#
# Needs: protoc (Debian: apt-get install -y protobuf-compiler) and protoc-gen-swift built from
# swift-protobuf at the same version the package depends on:
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
# Usage: Sources/ONNX/Generated/regenerate.sh [path/to/protoc-gen-swift]
#   To refresh onnx.proto itself first:
#   cp "$(python3 -c 'import onnx,os;print(os.path.dirname(onnx.__file__))')/onnx.proto" Sources/ONNX/Generated/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plugin="${1:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
[ -x "$plugin" ] || { echo "regenerate.sh: protoc-gen-swift not found at $plugin" >&2; exit 1; }
command -v protoc >/dev/null || { echo "regenerate.sh: protoc not found (apt-get install -y protobuf-compiler)" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$here" \
  --swift_opt=Visibility=Internal --swift_out="$here" "$here/onnx.proto"
echo "regenerate.sh: wrote $here/onnx.pb.swift"

#!/usr/bin/env bash
PLATFORMS=linux/amd64,linux/arm64
args=(
  --file docker/Dockerfile
)
cd ..
docker buildx build --platform "$PLATFORMS" "${args[@]}" -t x .

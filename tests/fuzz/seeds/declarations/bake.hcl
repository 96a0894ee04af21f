variable "TAG" { default = "latest" }
target "base" { platforms = ["linux/amd64", "linux/arm64"] }
target "app" {
  inherits = ["base"]
  context = "."
  dockerfile = "build/Dockerfile"
  args = { VERSION = "${TAG}", RUNTIME = "linux-x64" }
  tags = ["example/app:${TAG}"]
}
group "default" { targets = ["app"] }

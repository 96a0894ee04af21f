variable "MULTI" {
  default = ""
}
target "_common" {
  args = { GO_VERSION = "1.22" }
}
target "lint" {
  inherits = ["_common"]
  dockerfile = "./hack/lint.Dockerfile"
  output = ["type=cacheonly"]
  platforms = MULTI != "" ? ["linux/amd64", "linux/arm64"] : []
}
target "update-docs" {
  inherits = ["_common"]
  dockerfile = "./hack/docs.Dockerfile"
  target = "update"
  output = ["./docs/reference"]
}
target "image" {
  dockerfile = "./hack/lint.Dockerfile"
  output = ["type=image", "type=local,dest=out"]
}

target "main" {
  target    = "final-main"
  platforms = ["linux/amd64", "linux/arm64"]
}
target "cuda" {
  inherits  = ["main"]
  target    = "final-${VARIANT}"
  platforms = ["linux/amd64"]
}

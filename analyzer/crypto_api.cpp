#include "analyzer/crypto_api.h"

#include <stdexcept>
#include <string>

#include "analyzer/shared_library.h"

namespace mal {

namespace {

shared_library::Loaded<CryptoApi> load() {
  shared_library::Loaded<CryptoApi> out;
  void* library = shared_library::open(kCryptoLibrary, "for digests and base64 (Debian: libssl3)", out.error);
  if (!library) return out;
  CryptoApi& a = out.api;
  std::string& e = out.error;
  auto need = [&](const char* name, auto& into) { shared_library::bind(library, kCryptoLibrary, name, into, e); };
  need("EVP_sha256", a.sha256);
  need("EVP_sha512", a.sha512);
  need("EVP_Digest", a.digest);
  need("EVP_MD_CTX_new", a.md_ctx_new);
  need("EVP_MD_CTX_free", a.md_ctx_free);
  need("EVP_DigestInit_ex", a.digest_init_ex);
  need("EVP_DigestUpdate", a.digest_update);
  need("EVP_DigestFinal_ex", a.digest_final_ex);
  need("EVP_EncodeBlock", a.encode_block);
  need("EVP_DecodeBlock", a.decode_block);
  return out;
}

}  // namespace

const CryptoApi& libcrypto() { return shared_library::once<CryptoApi, std::runtime_error>(load); }

}  // namespace mal

// libcrypto (OpenSSL), loaded the first time a digest or base64 is needed (see
// analyzer/shared_library.h): it alone was 40% of the symbol bindings of a `lint` process,
// which needs it only for a report's fingerprints.
#pragma once

#include <openssl/evp.h>

namespace mal {

// The libcrypto functions the image, registry and report code call, by the names they stand for.
struct CryptoApi {
  decltype(&EVP_sha256) sha256;
  decltype(&EVP_sha512) sha512;
  decltype(&EVP_Digest) digest;
  decltype(&EVP_MD_CTX_new) md_ctx_new;
  decltype(&EVP_MD_CTX_free) md_ctx_free;
  decltype(&EVP_DigestInit_ex) digest_init_ex;
  decltype(&EVP_DigestUpdate) digest_update;
  decltype(&EVP_DigestFinal_ex) digest_final_ex;
  decltype(&EVP_EncodeBlock) encode_block;
  decltype(&EVP_DecodeBlock) decode_block;
};

// The soname loaded: the one the build linked against (Debian's libssl3).
constexpr const char* kCryptoLibrary = "libcrypto.so.3";

// libcrypto, loaded once (thread-safe). Throws std::runtime_error with a one-line cause
// ("libcrypto.so.3 cannot be loaded: ...") when it cannot be used.
const CryptoApi& libcrypto();

}  // namespace mal

// libarchive, loaded the first time an image or layer is read (see analyzer/shared_library.h):
// with libxml2, ICU, nettle and the compressors it needs, it was a fifth of the symbol
// bindings of every `lint` process, which never reads an archive.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace mal::image {

// The libarchive functions the image and layer readers call, by the names they stand for.
struct ArchiveApi {
  decltype(&archive_read_new) read_new;
  decltype(&archive_read_free) read_free;
  decltype(&archive_read_support_filter_gzip) read_support_filter_gzip;
  decltype(&archive_read_support_format_tar) read_support_format_tar;
  decltype(&archive_read_support_format_gnutar) read_support_format_gnutar;
  decltype(&archive_read_support_format_zip_seekable) read_support_format_zip_seekable;
  decltype(&archive_read_support_format_zip_streamable) read_support_format_zip_streamable;
  decltype(&archive_read_open) read_open;
  decltype(&archive_read_open_filename) read_open_filename;
  decltype(&archive_read_open_memory) read_open_memory;
  decltype(&archive_read_next_header) read_next_header;
  decltype(&archive_read_data) read_data;
  decltype(&archive_filter_bytes) filter_bytes;
  decltype(&archive_error_string) error_string;
  decltype(&archive_set_error) set_error;
  decltype(&archive_entry_pathname) entry_pathname;
  decltype(&archive_entry_filetype) entry_filetype;
  decltype(&archive_entry_hardlink) entry_hardlink;
  decltype(&archive_entry_symlink) entry_symlink;
  decltype(&archive_entry_perm) entry_perm;
  decltype(&archive_entry_size) entry_size;
  decltype(&archive_entry_size_is_set) entry_size_is_set;
};

// The soname loaded: the one the build linked against (Debian's libarchive13).
constexpr const char* kArchiveLibrary = "libarchive.so.13";

// libarchive, loaded once (thread-safe). Throws StreamError with a one-line cause
// ("libarchive.so.13 cannot be loaded: ...") when it cannot be used.
const ArchiveApi& libarchive();

}  // namespace mal::image

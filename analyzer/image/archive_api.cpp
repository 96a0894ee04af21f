#include "analyzer/image/archive_api.h"

#include <string>

#include "analyzer/image/streams.h"
#include "analyzer/shared_library.h"

namespace mal::image {

namespace {

shared_library::Loaded<ArchiveApi> load() {
  shared_library::Loaded<ArchiveApi> out;
  void* library = shared_library::open(kArchiveLibrary, "to read images and layers (Debian: libarchive13)", out.error);
  if (!library) return out;
  ArchiveApi& a = out.api;
  std::string& e = out.error;
  auto need = [&](const char* name, auto& into) { shared_library::bind(library, kArchiveLibrary, name, into, e); };
  need("archive_read_new", a.read_new);
  need("archive_read_free", a.read_free);
  need("archive_read_support_filter_gzip", a.read_support_filter_gzip);
  need("archive_read_support_format_tar", a.read_support_format_tar);
  need("archive_read_support_format_gnutar", a.read_support_format_gnutar);
  need("archive_read_support_format_zip_seekable", a.read_support_format_zip_seekable);
  need("archive_read_support_format_zip_streamable", a.read_support_format_zip_streamable);
  need("archive_read_open", a.read_open);
  need("archive_read_open_filename", a.read_open_filename);
  need("archive_read_open_memory", a.read_open_memory);
  need("archive_read_next_header", a.read_next_header);
  need("archive_read_data", a.read_data);
  need("archive_filter_bytes", a.filter_bytes);
  need("archive_error_string", a.error_string);
  need("archive_set_error", a.set_error);
  need("archive_entry_pathname", a.entry_pathname);
  need("archive_entry_filetype", a.entry_filetype);
  need("archive_entry_hardlink", a.entry_hardlink);
  need("archive_entry_symlink", a.entry_symlink);
  need("archive_entry_perm", a.entry_perm);
  need("archive_entry_size", a.entry_size);
  need("archive_entry_size_is_set", a.entry_size_is_set);
  return out;
}

}  // namespace

const ArchiveApi& libarchive() { return shared_library::once<ArchiveApi, StreamError>(load); }

}  // namespace mal::image

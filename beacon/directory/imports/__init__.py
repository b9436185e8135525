"""Background directory imports: upload an HSDS file, queue it for `beacon worker`, follow its
progress (docs/directory-imports.md). Part of the directory app: its model, DirectoryImport, is in
beacon/directory/models.py. Modules: services (start, retry, run, progress), tasks (the queued
task, which calls services), selectors, permissions, views, urls, forms, api."""

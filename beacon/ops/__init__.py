"""Operations on the whole of Beacon: the `beacon` command, the demo and the seed data, backup and
restore, and the supervisor that runs the demo's processes. The top layer: it may import every
app, and no app imports it (docs/architecture.md, "Layers")."""

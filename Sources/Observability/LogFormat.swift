/// How log lines are written: `human` keeps the lines people read today (`coordinator: worker …
/// joined`), `json` writes one JSON object per line for log collectors (Loki, Elasticsearch,
/// journald's JSON export), with every metadata key as a field.
public enum LogFormat: String, CaseIterable, Sendable {
    case human
    case json
}

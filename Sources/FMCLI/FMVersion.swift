/// The version every command reports with `--version`.
public enum FMVersion {
    public static let current = "0.1.0"
}

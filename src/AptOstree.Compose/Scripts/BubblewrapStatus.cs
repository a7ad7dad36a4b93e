using System.Text.Json;

namespace AptOstree.Compose;

/// <summary>
/// What bubblewrap wrote to its <c>--json-status-fd</c>: a <c>child-pid</c> document once the sandbox is set up and
/// the command started, an <c>exit-code</c> document when it ended. Without the first, bubblewrap (or the mount
/// before it) failed and the command never ran.
/// </summary>
internal readonly record struct BubblewrapStatus(bool Started, int? ExitCode)
{
    public static BubblewrapStatus Read(string path)
    {
        if (!File.Exists(path))
        {
            return default;
        }

        bool started = false;
        int? exitCode = null;
        var reader = new Utf8JsonReader(File.ReadAllBytes(path), new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (name == "child-pid")
                    {
                        started = true;
                    }
                    else if (name == "exit-code" && reader.TokenType == JsonTokenType.Number)
                    {
                        exitCode = reader.GetInt32();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A status cut short by a kill: what was read so far stands.
        }

        return new BubblewrapStatus(started, exitCode);
    }
}

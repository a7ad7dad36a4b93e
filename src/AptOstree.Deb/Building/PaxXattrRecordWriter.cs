using System.Buffers;
using System.Globalization;
using System.Text;

namespace AptOstree.Deb;

/// <summary>
/// Writes <c>SCHILY.xattr.NAME=VALUE</c> pax records (<c>LENGTH KEYWORD=VALUE\n</c>, LENGTH counting the whole record)
/// as GNU tar does: VALUE byte for byte, <c>%</c> and <c>=</c> in NAME escaped as <c>%25</c> and <c>%3D</c>.
/// </summary>
internal static class PaxXattrRecordWriter
{
    /// <summary>The records for <paramref name="attributes"/>, sorted by name.</summary>
    public static byte[] Build(IReadOnlyDictionary<string, ReadOnlyMemory<byte>> attributes)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var keyword = Encoding.UTF8.GetBytes("SCHILY.xattr." + name.Replace("%", "%25", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal));
            var body = 1 + keyword.Length + 1 + value.Length + 1; // ' ' keyword '=' value '\n'
            var digits = 1;
            while (CountDigits(body + digits) != digits)
            {
                digits++;
            }

            output.Write(Encoding.ASCII.GetBytes((body + digits).ToString(CultureInfo.InvariantCulture)));
            output.Write(" "u8);
            output.Write(keyword);
            output.Write("="u8);
            output.Write(value.Span);
            output.Write("\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    private static int CountDigits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace AptOstree.Compose.Tests.Scripts;

/// <summary>
/// A file descriptor of this process without close-on-exec, as a test host inherits from its shell: <c>dup(2)</c>
/// of a .NET handle (.NET opens everything close-on-exec; <c>dup</c> clears the flag). Every child process gets it.
/// </summary>
internal sealed partial class InheritableDescriptor : IDisposable
{
    private const int CloseOnExecFlag = 0x80000; // O_CLOEXEC as /proc/PID/fdinfo shows it (octal 02000000)

    private InheritableDescriptor(int number) => Number = number;

    public int Number { get; }

    /// <summary>Duplicates a read handle of <paramref name="path"/>; checks in /proc/self/fdinfo that close-on-exec is off.</summary>
    public static InheritableDescriptor Open(string path)
    {
        using var file = File.OpenHandle(path);
        int fd = Dup((int)file.DangerousGetHandle());
        if (fd < 0)
        {
            throw new IOException("dup failed");
        }

        var flags = File.ReadLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        int value = Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
        if ((value & CloseOnExecFlag) != 0)
        {
            _ = Close(fd);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"fd {fd} is close-on-exec ({flags}); it would not prove anything."));
        }

        return new InheritableDescriptor(fd);
    }

    public void Dispose() => _ = Close(Number);

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

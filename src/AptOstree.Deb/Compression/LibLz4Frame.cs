using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// The LZ4 frame decoder of the system <c>liblz4.so.1</c> (installed with apt, which keeps its lists as .lz4):
/// several times faster than the managed decoder on the 50 MB main index. <see cref="IsAvailable"/> is false when
/// the library cannot be loaded; callers then use K4os' managed decoder.
/// </summary>
internal static unsafe partial class LibLz4Frame
{
    private const string Library = "liblz4.so.1";
    private const uint FrameVersion = 100;

    private static readonly Lazy<bool> Probe = new(() => NativeLibrary.TryLoad(Library, typeof(LibLz4Frame).Assembly, null, out _));

    public static bool IsAvailable => Probe.Value;

    /// <summary>Decodes every frame of <paramref name="compressed"/>; the result is a slice of a fresh array.</summary>
    /// <exception cref="InvalidDataException">The data is not LZ4 frames, is truncated or expands beyond 2 GB.</exception>
    public static ReadOnlyMemory<byte> Decode(ReadOnlySpan<byte> compressed)
    {
        if (compressed.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        nint context;
        ThrowIfError(CreateDecompressionContext(&context, FrameVersion));
        try
        {
            var output = new byte[(int)Math.Min(Array.MaxLength, Math.Max(64L << 10, compressed.Length * 4L))];
            int produced = 0;
            int consumed = 0;
            fixed (byte* source = compressed)
            {
                while (true)
                {
                    if (produced == output.Length)
                    {
                        output = Grow(output);
                    }

                    nuint outputSize = (nuint)(output.Length - produced);
                    nuint inputSize = (nuint)(compressed.Length - consumed);
                    nuint hint;
                    fixed (byte* target = output)
                    {
                        hint = Decompress(context, target + produced, &outputSize, source + consumed, &inputSize, null);
                    }

                    ThrowIfError(hint);
                    produced += (int)outputSize;
                    consumed += (int)inputSize;
                    if (hint == 0 && consumed == compressed.Length)
                    {
                        return output.AsMemory(0, produced);
                    }

                    if (inputSize == 0 && outputSize == 0 && produced < output.Length)
                    {
                        throw new InvalidDataException("the LZ4 frame is truncated.");
                    }
                }
            }
        }
        finally
        {
            FreeDecompressionContext(context);
        }
    }

    private static byte[] Grow(byte[] output)
    {
        if (output.Length >= Array.MaxLength)
        {
            throw new InvalidDataException("the decoded index is larger than 2 GB.");
        }

        var bigger = new byte[(int)Math.Min(Array.MaxLength, output.Length * 2L)];
        output.CopyTo(bigger, 0);
        return bigger;
    }

    private static void ThrowIfError(nuint code)
    {
        if (IsError(code) != 0)
        {
            throw new InvalidDataException($"liblz4: {Marshal.PtrToStringUTF8(GetErrorName(code))}.");
        }
    }

    [LibraryImport(Library, EntryPoint = "LZ4F_createDecompressionContext")]
    private static partial nuint CreateDecompressionContext(nint* context, uint version);

    [LibraryImport(Library, EntryPoint = "LZ4F_freeDecompressionContext")]
    private static partial nuint FreeDecompressionContext(nint context);

    [LibraryImport(Library, EntryPoint = "LZ4F_decompress")]
    private static partial nuint Decompress(nint context, byte* target, nuint* targetSize, byte* source, nuint* sourceSize, void* options);

    [LibraryImport(Library, EntryPoint = "LZ4F_isError")]
    private static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "LZ4F_getErrorName")]
    private static partial nint GetErrorName(nuint code);
}

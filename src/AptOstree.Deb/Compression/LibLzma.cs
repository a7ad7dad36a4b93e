using System.Runtime.InteropServices;

namespace AptOstree.Deb;

/// <summary>
/// The few entry points of the system liblzma (<c>liblzma.so.5</c>) used for fast xz/lzma coding.
/// <see cref="IsAvailable"/> is false when the library cannot be loaded; callers then fall back to managed code.
/// </summary>
internal static unsafe partial class LibLzma
{
    public const string Library = "liblzma.so.5";

    public const int LZMA_OK = 0;
    public const int LZMA_STREAM_END = 1;
    public const int LZMA_UNSUPPORTED_CHECK = 3;
    public const int LZMA_MEM_ERROR = 5;
    public const int LZMA_MEMLIMIT_ERROR = 6;
    public const int LZMA_FORMAT_ERROR = 7;
    public const int LZMA_OPTIONS_ERROR = 8;
    public const int LZMA_DATA_ERROR = 9;
    public const int LZMA_BUF_ERROR = 10;
    public const int LZMA_RUN = 0;
    public const int LZMA_FINISH = 3;
    public const uint LZMA_CHECK_CRC64 = 4;
    public const ulong LZMA_VLI_UNKNOWN = ulong.MaxValue;
    public const int LZMA_FILTERS_MAX = 4;

    private static readonly Lazy<(bool Available, bool HasMultithreadedDecoder)> Probe = new(ProbeLibrary);

    public static bool IsAvailable => !ForceManaged && Probe.Value.Available;

    public static bool HasMultithreadedDecoder => IsAvailable && Probe.Value.HasMultithreadedDecoder;

    private static readonly AsyncLocal<bool> ForceManagedFlow = new();

    /// <summary>Set by tests and benchmarks to exercise the managed fallback (flows with the async context only).</summary>
    public static bool ForceManaged
    {
        get => ForceManagedFlow.Value;
        set => ForceManagedFlow.Value = value;
    }

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    public static partial int StreamDecoder(LzmaStream* strm, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder_mt")]
    public static partial int StreamDecoderMt(LzmaStream* strm, LzmaMt* options);

    [LibraryImport(Library, EntryPoint = "lzma_alone_decoder")]
    public static partial int AloneDecoder(LzmaStream* strm, ulong memlimit);

    [LibraryImport(Library, EntryPoint = "lzma_easy_encoder")]
    public static partial int EasyEncoder(LzmaStream* strm, uint preset, uint check);

    [LibraryImport(Library, EntryPoint = "lzma_stream_encoder_mt")]
    public static partial int StreamEncoderMt(LzmaStream* strm, LzmaMt* options);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    public static partial int Code(LzmaStream* strm, int action);

    [LibraryImport(Library, EntryPoint = "lzma_block_header_decode")]
    public static partial int BlockHeaderDecode(LzmaBlock* block, nint allocator, byte* input);

    [LibraryImport(Library, EntryPoint = "lzma_block_compressed_size")]
    public static partial int BlockCompressedSize(LzmaBlock* block, ulong unpaddedSize);

    [LibraryImport(Library, EntryPoint = "lzma_block_decoder")]
    public static partial int BlockDecoder(LzmaStream* strm, LzmaBlock* block);

    [LibraryImport(Library, EntryPoint = "lzma_crc32")]
    public static partial uint Crc32(byte* buffer, nuint size, uint crc);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    public static partial void End(LzmaStream* strm);

    public static string Describe(int ret) => ret switch
    {
        LZMA_MEM_ERROR => "out of memory",
        LZMA_MEMLIMIT_ERROR => "memory usage limit reached",
        LZMA_FORMAT_ERROR => "file format not recognized",
        LZMA_OPTIONS_ERROR => "unsupported compression options",
        LZMA_DATA_ERROR => "compressed data is corrupt",
        LZMA_BUF_ERROR => "compressed data is truncated or corrupt",
        LZMA_UNSUPPORTED_CHECK => "unsupported integrity check",
        _ => $"liblzma error {ret}",
    };

    private static (bool, bool) ProbeLibrary()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, typeof(LibLzma).Assembly, null, out var handle))
        {
            return (false, false);
        }

        return (NativeLibrary.TryGetExport(handle, "lzma_code", out _), NativeLibrary.TryGetExport(handle, "lzma_stream_decoder_mt", out _));
    }

    /// <summary>C <c>lzma_stream</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaStream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
        public ulong SeekPos;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }

    /// <summary>C <c>lzma_mt</c> (liblzma ≥ 5.4 layout; older fields are a prefix).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaMt
    {
        public uint Flags;
        public uint Threads;
        public ulong BlockSize;
        public uint Timeout;
        public uint Preset;
        public nint Filters;
        public uint Check;
        public int ReservedEnum1;
        public int ReservedEnum2;
        public int ReservedEnum3;
        public uint ReservedInt1;
        public uint ReservedInt2;
        public uint ReservedInt3;
        public uint ReservedInt4;
        public ulong MemlimitThreading;
        public ulong MemlimitStop;
        public ulong ReservedInt7;
        public ulong ReservedInt8;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
    }

    /// <summary>C <c>lzma_filter</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaFilter
    {
        public ulong Id;
        public void* Options;
    }

    /// <summary>C <c>lzma_block</c> (version 1 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LzmaBlock
    {
        public uint Version;
        public uint HeaderSize;
        public uint Check;
        public ulong CompressedSize;
        public ulong UncompressedSize;
        public LzmaFilter* Filters;
        public fixed byte RawCheck[64];
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public uint ReservedInt1;
        public uint ReservedInt2;
        public ulong ReservedInt3;
        public ulong ReservedInt4;
        public ulong ReservedInt5;
        public ulong ReservedInt6;
        public ulong ReservedInt7;
        public ulong ReservedInt8;
        public int ReservedEnum1;
        public int ReservedEnum2;
        public int ReservedEnum3;
        public int ReservedEnum4;
        public byte IgnoreCheck;
        public byte ReservedBool2;
        public byte ReservedBool3;
        public byte ReservedBool4;
        public byte ReservedBool5;
        public byte ReservedBool6;
        public byte ReservedBool7;
        public byte ReservedBool8;
    }
}

using System.Buffers.Binary;

namespace AptOstree.OSTree.Tests.Fuzz;

/// <summary>One mutated input and how it was made (enough to rebuild it from the seed input).</summary>
/// <param name="Description">The edits, e.g. <c>truncate@17</c> or <c>random#3: flip@5.2, insert@9+3</c>.</param>
/// <param name="Data">The mutated bytes.</param>
internal sealed record Mutant(string Description, byte[] Data);

/// <summary>
/// Deterministic mutations of a valid serialized object: systematic single edits (truncation at every offset,
/// every byte set to 0, 0xFF and ±1, the trailing framing offsets of a GVariant container set to 0, max and off
/// by one, adjacent offsets swapped) and seeded random compound edits (bit flips, inserted and deleted runs,
/// duplicated chunks, 16/32-bit little- and big-endian fields set to 0, max or the input's length ±1).
/// </summary>
internal static class ByteMutations
{
    /// <summary>Inputs up to this size get every systematic single-byte edit; larger ones a sample of offsets.</summary>
    public const int ExhaustiveLimit = 1024;

    /// <summary>
    /// The systematic edits of <paramref name="input"/> followed by <paramref name="randomCount"/> random ones; edits
    /// that leave the input as it was are left out.
    /// </summary>
    public static IEnumerable<Mutant> Generate(byte[] input, int seed, int randomCount)
    {
        foreach (var mutant in Systematic(input))
        {
            yield return mutant;
        }

        var random = new Random(seed);
        for (int i = 0; i < randomCount; i++)
        {
            var mutant = RandomMutant(input, random, i);
            if (!mutant.Data.AsSpan().SequenceEqual(input))
            {
                yield return mutant;
            }
        }
    }

    /// <summary>Truncations, single-byte edits and framing-offset edits (those that change something).</summary>
    public static IEnumerable<Mutant> Systematic(byte[] input) => AllSystematic(input).Where(m => !m.Data.AsSpan().SequenceEqual(input));

    private static IEnumerable<Mutant> AllSystematic(byte[] input)
    {
        int step = Math.Max(1, input.Length / ExhaustiveLimit);
        for (int at = 0; at < input.Length; at += step)
        {
            yield return new Mutant($"truncate@{at}", input[..at]);
        }

        for (int at = 0; at < input.Length; at += step)
        {
            foreach (byte value in (byte[])[0x00, 0xFF, (byte)(input[at] + 1), (byte)(input[at] - 1)])
            {
                if (value != input[at])
                {
                    yield return Set(input, at, value, $"set@{at}={value:x2}");
                }
            }
        }

        // A GVariant container ends with its framing offsets: the last bytes of every object are offsets.
        int tail = Math.Min(input.Length, 16);
        for (int back = 1; back <= tail; back++)
        {
            int at = input.Length - back;
            foreach (int width in (int[])[1, 2, 4])
            {
                if (at + width > input.Length)
                {
                    continue;
                }

                foreach (long value in (long[])[0, (1L << (8 * width)) - 1, input.Length, input.Length - 1, input.Length + 1, ReadLittleEndian(input, at, width) + 1, ReadLittleEndian(input, at, width) - 1])
                {
                    var data = (byte[])input.Clone();
                    WriteLittleEndian(data, at, width, value);
                    yield return new Mutant($"offset@{at}/{width}={value}", data);
                }
            }

            if (at > 0)
            {
                var swapped = (byte[])input.Clone();
                (swapped[at - 1], swapped[at]) = (swapped[at], swapped[at - 1]);
                yield return new Mutant($"swap@{at - 1},{at}", swapped);
            }
        }

        yield return new Mutant("empty", []);
        yield return new Mutant("doubled", [.. input, .. input]);
        yield return new Mutant("zeroed", new byte[input.Length]);
        yield return new Mutant("all-ff", Enumerable.Repeat((byte)0xFF, input.Length).ToArray());
    }

    private static Mutant RandomMutant(byte[] input, Random random, int index)
    {
        var data = new List<byte>(input);
        var edits = new List<string>();
        int count = 1 + random.Next(4);
        for (int e = 0; e < count; e++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0 when data.Count > 0:
                    int bit = random.Next(8);
                    data[at] ^= (byte)(1 << bit);
                    edits.Add($"flip@{at}.{bit}");
                    break;
                case 1 when data.Count > 0:
                    byte b = (byte)random.Next(256);
                    data[at] = b;
                    edits.Add($"set@{at}={b:x2}");
                    break;
                case 2:
                    var inserted = new byte[1 + random.Next(8)];
                    random.NextBytes(inserted);
                    data.InsertRange(at, inserted);
                    edits.Add($"insert@{at}+{inserted.Length}");
                    break;
                case 3 when data.Count > 0:
                    int deleted = Math.Min(1 + random.Next(8), data.Count - at);
                    data.RemoveRange(at, deleted);
                    edits.Add($"delete@{at}-{deleted}");
                    break;
                case 4 when data.Count > 1:
                    int from = random.Next(data.Count);
                    int length = Math.Min(1 + random.Next(16), data.Count - from);
                    data.InsertRange(at, data.GetRange(from, length));
                    edits.Add($"dup@{from}-{length}->{at}");
                    break;
                case 5 when data.Count >= 4:
                    at = Math.Min(at, data.Count - 4);
                    uint[] values = [0, uint.MaxValue, (uint)data.Count, (uint)data.Count - 1, (uint)data.Count + 1, 0x7FFFFFFF, 0x80000000];
                    uint v = values[random.Next(values.Length)];
                    var span = new byte[4];
                    if (random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(span, v);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(span, v);
                    }

                    for (int i = 0; i < 4; i++)
                    {
                        data[at + i] = span[i];
                    }

                    edits.Add($"u32@{at}={v:x}");
                    break;
                case 6 when data.Count >= 2:
                    at = Math.Min(at, data.Count - 2);
                    ushort[] shorts = [0, ushort.MaxValue, (ushort)data.Count, (ushort)(data.Count - 1), (ushort)(data.Count + 1)];
                    ushort s = shorts[random.Next(shorts.Length)];
                    data[at] = (byte)s;
                    data[at + 1] = (byte)(s >> 8);
                    edits.Add($"u16@{at}={s:x}");
                    break;
                case 7 when data.Count > 0:
                    int end = data.Count - 1 - random.Next(Math.Min(8, data.Count));
                    byte t = (byte)random.Next(256);
                    data[end] = t;
                    edits.Add($"tail@{end}={t:x2}");
                    break;
                default:
                    data.Add((byte)random.Next(256));
                    edits.Add("append+1");
                    break;
            }
        }

        return new Mutant($"random#{index}: {string.Join(", ", edits)}", data.ToArray());
    }

    private static Mutant Set(byte[] input, int at, byte value, string description)
    {
        var data = (byte[])input.Clone();
        data[at] = value;
        return new Mutant(description, data);
    }

    private static long ReadLittleEndian(byte[] data, int at, int width)
    {
        long value = 0;
        for (int i = width - 1; i >= 0; i--)
        {
            value = (value << 8) | data[at + i];
        }

        return value;
    }

    private static void WriteLittleEndian(byte[] data, int at, int width, long value)
    {
        for (int i = 0; i < width; i++)
        {
            data[at + i] = (byte)(value >> (8 * i));
        }
    }
}

using System.Globalization;
using System.Text;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Deterministic byte-level mutations (bit flips, interesting bytes, inserts, deletes, truncation, chunk copies,
/// decimal numbers written over a field). Every mutation is described in <see cref="Mutation.Description"/> so a
/// failure names what was done to the input.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, (byte)'0', (byte)'9', (byte)' ', (byte)'\n', (byte)'/', (byte)'.', (byte)'-', (byte)':', 0xC3, 0xE2];

    private static readonly string[] InterestingNumbers = ["0", "1", "-1", "9999999999", "4294967296", "2147483648", "99999999999999999999", "077777777777", "18446744073709551615", " ", "1e9"];

    /// <summary>Applies one to <paramref name="maxOperations"/> random mutations to a copy of <paramref name="input"/>.</summary>
    public static Mutation Mutate(Random random, ReadOnlySpan<byte> input, int maxOperations = 4)
    {
        var data = new List<byte>(input.Length + 16);
        foreach (var b in input)
        {
            data.Add(b);
        }

        var description = new StringBuilder();
        var operations = random.Next(1, maxOperations + 1);
        for (var i = 0; i < operations; i++)
        {
            description.Append(i == 0 ? string.Empty : "; ").Append(MutateOnce(random, data));
        }

        return new Mutation(data.ToArray(), description.ToString());
    }

    private static string MutateOnce(Random random, List<byte> data)
    {
        var at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (data.Count == 0 ? 3 : random.Next(8))
        {
            case 0:
            {
                var bit = random.Next(8);
                data[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            }

            case 1:
            {
                var value = InterestingBytes[random.Next(InterestingBytes.Length)];
                data[at] = value;
                return $"set 0x{value:x2} at {at}";
            }

            case 2:
            {
                var value = (byte)random.Next(256);
                data[at] = value;
                return $"set random 0x{value:x2} at {at}";
            }

            case 3:
            {
                var count = random.Next(1, 9);
                var bytes = new byte[count];
                for (var i = 0; i < count; i++)
                {
                    bytes[i] = random.Next(2) == 0 ? InterestingBytes[random.Next(InterestingBytes.Length)] : (byte)random.Next(256);
                }

                data.InsertRange(at, bytes);
                return $"insert {Convert.ToHexString(bytes)} at {at}";
            }

            case 4:
            {
                var count = Math.Min(data.Count - at, random.Next(1, 17));
                data.RemoveRange(at, count);
                return $"delete {count} at {at}";
            }

            case 5:
            {
                data.RemoveRange(at, data.Count - at);
                return $"truncate at {at}";
            }

            case 6:
            {
                var count = Math.Min(data.Count - at, random.Next(1, 65));
                var chunk = data.GetRange(at, count);
                var to = random.Next(data.Count);
                data.InsertRange(to, chunk);
                return $"copy {count} from {at} to {to}";
            }

            default:
            {
                var number = InterestingNumbers[random.Next(InterestingNumbers.Length)];
                var bytes = Encoding.ASCII.GetBytes(number);
                for (var i = 0; i < bytes.Length && at + i < data.Count; i++)
                {
                    data[at + i] = bytes[i];
                }

                return string.Create(CultureInfo.InvariantCulture, $"write '{number}' at {at}");
            }
        }
    }
}

/// <summary>A mutated input and what was done to it.</summary>
internal sealed record Mutation(byte[] Data, string Description);

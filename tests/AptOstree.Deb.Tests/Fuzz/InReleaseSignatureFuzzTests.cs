using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.OpenPgp;
using AptOstree.Testing;
using Xunit.Abstractions;

namespace AptOstree.Deb.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of InRelease verification: a correctly signed InRelease (signed here by a throw-away gpg key, or
/// without gpg the host's with the host's archive keyring) whose signature packets are mutated and re-armored, so the
/// mutations reach the OpenPGP packet parsing rather than stopping at the armor. Verification must succeed (an
/// untouched input) or fail with our exception.
/// </summary>
public sealed class InReleaseSignatureFuzzTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Mutated_signature_packets()
    {
        var (inRelease, keyring, key) = SignedInRelease();
        using (key)
        {
            Assert.NotEmpty(OpenPgpVerifier.VerifyInRelease(inRelease, keyring, "fuzz/InRelease"));
            var message = ClearSignedMessage.Parse(inRelease);
            var signatureStart = inRelease.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
            var packets = Dearmor(message.ArmoredSignature);
            var random = new Random(907);
            FuzzHarness.Run(output, "InRelease signature packets", Cases(), c =>
            {
                var text = inRelease[..signatureStart] + Armor(c.Input);
                OpenPgpVerifier.VerifyInRelease(text, keyring, "fuzz/InRelease");
            });

            IEnumerable<FuzzCase> Cases()
            {
                for (var i = 0; i < 300 * FuzzHarness.Scale; i++)
                {
                    var m = ByteMutator.Mutate(random, packets, maxOperations: 2);
                    yield return new FuzzCase($"#{i}: {m.Description}", m.Data);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="FuzzInputs.Release"/> clear-signed here by a throw-away ed25519 key (small and quick to verify), or
    /// without gpg the smallest host InRelease with the Debian archive keyring.
    /// </summary>
    private static (string InRelease, OpenPgpKeyring Keyring, GpgTestKey? Key) SignedInRelease()
    {
        const string HostKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
        if (!ExternalTool.Exists("gpg"))
        {
            var host = Directory.Exists(FuzzInputs.ListsDirectory)
                ? Directory.EnumerateFiles(FuzzInputs.ListsDirectory, "*_InRelease").OrderBy(f => new FileInfo(f).Length).FirstOrDefault()
                : null;
            Skip.If(host is null || !File.Exists(HostKeyring), "neither gpg nor a host InRelease with the Debian archive keyring");
            return (File.ReadAllText(host!), OpenPgpKeyring.LoadFile(HostKeyring), null);
        }

        var key = GpgTestKey.Create();
        var signed = key.Sign(Encoding.UTF8.GetBytes(FuzzInputs.Release), "--clearsign", "--digest-algo", "SHA256");
        return (Encoding.UTF8.GetString(signed), key.Keyring, key);
    }

    private static byte[] Dearmor(string armored)
    {
        var lines = armored.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var body = lines.SkipWhile(l => l.Length > 0).Skip(1).TakeWhile(l => !l.StartsWith('=') && !l.StartsWith('-'));
        return Convert.FromBase64String(string.Concat(body));
    }

    private static string Armor(byte[] packets)
    {
        var sb = new StringBuilder("-----BEGIN PGP SIGNATURE-----\n\n");
        var base64 = Convert.ToBase64String(packets);
        for (var i = 0; i < base64.Length; i += 64)
        {
            sb.Append(base64.AsSpan(i, Math.Min(64, base64.Length - i))).Append('\n');
        }

        return sb.Append("-----END PGP SIGNATURE-----\n").ToString();
    }
}

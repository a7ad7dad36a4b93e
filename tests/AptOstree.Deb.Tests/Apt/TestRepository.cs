using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AptOstree.Testing;

namespace AptOstree.Deb.Tests.Apt;

/// <summary>
/// A signed APT repository built in a temporary directory: a generated OpenPGP key, two packages with generated
/// .deb payloads, Packages (plain, .gz, .xz, by-hash copies), Release and InRelease. Optionally served over
/// HTTP on 127.0.0.1.
/// </summary>
internal sealed class TestRepository : IDisposable
{
    private readonly TempDirectory _dir = new("aptostree-repo-");
    private readonly Dictionary<string, string> _env;
    private HttpListener? _listener;

    public TestRepository(string? validUntil = null)
    {
        ExternalTool.Require("gpg", "xz");
        _env = new Dictionary<string, string> { ["GNUPGHOME"] = _dir.Combine("gnupg") };
        Directory.CreateDirectory(_env["GNUPGHOME"]);
        Gpg("--quick-gen-key", "AptOstree Test Repository <repo@example.invalid>", "ed25519", "sign", "never");
        Gpg("--armor", "--output", KeyPath, "--export", "repo@example.invalid");
        Root = _dir.Combine("repo");
        Directory.CreateDirectory(Path.Combine(Root, "pool", "main"));
        var packages = new StringBuilder();
        foreach (var (name, depends) in new[] { ("alpha", "beta (>= 1.0)"), ("beta", (string?)null) })
        {
            byte[] deb = RandomNumberGenerator.GetBytes(50_000);
            string file = $"pool/main/{name}_1.0_amd64.deb";
            File.WriteAllBytes(Path.Combine(Root, file), deb);
            Debs[name] = deb;
            packages.Append($"Package: {name}\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Test <t@example.invalid>\nInstalled-Size: 10\n");
            if (depends is not null)
            {
                packages.Append($"Depends: {depends}\n");
            }

            packages.Append($"Filename: {file}\nSize: {deb.Length}\nSHA256: {Convert.ToHexStringLower(SHA256.HashData(deb))}\nDescription: test package {name}\n\n");
        }

        string dist = Path.Combine(Root, "dists", "test");
        string bin = Path.Combine(dist, "main", "binary-amd64");
        Directory.CreateDirectory(Path.Combine(bin, "by-hash", "SHA256"));
        File.WriteAllText(Path.Combine(bin, "Packages"), packages.ToString());
        ExternalTool.Output("xz", "-k", Path.Combine(bin, "Packages"));
        ExternalTool.Output("gzip", "-k", "-n", Path.Combine(bin, "Packages"));
        // RFC 1123 day and month names whatever the test process's culture (LANG) is.
        string date = DateTimeOffset.UtcNow.AddHours(-1).ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        var release = new StringBuilder($"Origin: AptOstreeTest\nLabel: AptOstreeTest\nSuite: test\nCodename: test\nDate: {date} UTC\n");
        if (validUntil is not null)
        {
            release.Append($"Valid-Until: {validUntil}\n");
        }

        release.Append("Acquire-By-Hash: yes\nArchitectures: amd64\nComponents: main\nSHA256:\n");
        foreach (var f in new[] { "Packages", "Packages.gz", "Packages.xz" })
        {
            byte[] data = File.ReadAllBytes(Path.Combine(bin, f));
            string hash = Convert.ToHexStringLower(SHA256.HashData(data));
            File.WriteAllBytes(Path.Combine(bin, "by-hash", "SHA256", hash), data);
            release.Append($" {hash} {data.Length,8} main/binary-amd64/{f}\n");
        }

        File.WriteAllText(Path.Combine(dist, "Release"), release.ToString());
        Gpg("--local-user", "repo@example.invalid", "--clearsign", "--output", Path.Combine(dist, "InRelease"), Path.Combine(dist, "Release"));
    }

    public string Root { get; }

    public string KeyPath => _dir.Combine("repo-key.asc");

    public Dictionary<string, byte[]> Debs { get; } = [];

    public string PackagesXz => Path.Combine(Root, "dists", "test", "main", "binary-amd64", "Packages.xz");

    /// <summary>Serves <see cref="Root"/> on 127.0.0.1 and returns the base URL.</summary>
    public string Serve()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20000, 60000);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                continue;
            }

            _listener = listener;
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try
                    {
                        ctx = await listener.GetContextAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    string path = Path.Combine(Root, Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath).TrimStart('/'));
                    if (File.Exists(path))
                    {
                        byte[] data = File.ReadAllBytes(path);
                        ctx.Response.StatusCode = 200;
                        ctx.Response.ContentLength64 = data.Length;
                        ctx.Response.OutputStream.Write(data);
                    }
                    else
                    {
                        ctx.Response.StatusCode = 404;
                    }

                    ctx.Response.Close();
                }
            });
            return $"http://127.0.0.1:{port}";
        }
    }

    public void Dispose()
    {
        _listener?.Close();
        // gpg started an agent for this GNUPGHOME; stop exactly that one before its directory goes.
        ExternalTool.Run("gpgconf", ["--kill", "all"], environment: _env);
        _dir.Dispose();
    }

    private void Gpg(params string[] args) =>
        ExternalTool.Run("gpg", ["--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", .. args], environment: _env).EnsureSuccess("gpg " + args[0]);
}

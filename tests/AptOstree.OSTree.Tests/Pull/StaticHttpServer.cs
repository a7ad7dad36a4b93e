using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AptOstree.OSTree.Tests.Pull;

/// <summary><c>python3 -m http.server</c> on a free loopback port, serving a directory.</summary>
internal sealed class StaticHttpServer : IDisposable
{
    private readonly Process _process;

    public StaticHttpServer(string directory)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var psi = new ProcessStartInfo("python3", ["-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--directory", directory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Url = $"http://127.0.0.1:{port}/";
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException("http.server did not start");
    }

    public string Url { get; }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

using System.Text;
using AptOstree.Deb.Apt;
using AptOstree.Deb.Solver;

namespace AptOstree.Deb.Tests.Solver;

/// <summary>apt writes the scenario to a pipe: a stream without a length, read in pieces, must give the same scenario as a file.</summary>
public sealed class EdspPipeReadTests
{
    private const string Scenario =
        "Request: EDSP 0.5\nArchitecture: amd64\nArchitectures: amd64\nInstall: a:amd64\n\n"
        + "Package: a\nArchitecture: amd64\nVersion: 1\nAPT-ID: 1\nAPT-Pin: 500\nAPT-Candidate: yes\nDepends: b (>= 2) | v\nProvides: w (= 1)\n\n"
        + "Package: b\nArchitecture: all\nVersion: 2\nAPT-ID: 2\nAPT-Pin: 500\nAPT-Candidate: yes\nInstalled: yes\nSource: src (2)\n\n"
        + "Package: c\nArchitecture: amd64\nVersion: 1:0.1\nAPT-ID: 3\nAPT-Pin: 990\nProvides: v,\n w\n";

    [Fact]
    public void A_scenario_from_a_pipe_equals_the_scenario_from_a_file()
    {
        var bytes = Encoding.UTF8.GetBytes(Scenario);
        var fromFile = EdspScenario.Read(new MemoryStream(bytes));
        var fromPipe = EdspScenario.Read(new PipeLikeStream(bytes));

        Assert.Equal(3, fromFile.Universe.Packages.Count);
        Assert.Equal(fromFile.Universe.Packages, fromPipe.Universe.Packages);
        Assert.Equal("b (>= 2) | v", fromPipe.Universe.Packages[0].Depends);
        Assert.Equal("v, w", fromPipe.Universe.Packages[2].Provides);
        Assert.True(fromPipe.Universe.Packages[1].IsInstalled);
        Assert.Equal(fromFile.Request.Install.Select(r => r.Name), fromPipe.Request.Install.Select(r => r.Name));
    }

    [Fact]
    public void A_malformed_scenario_from_a_pipe_names_the_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Scenario.Replace("APT-Pin: 990\n", "APT-Pin 990\n", StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidFormatException>(() => EdspScenario.Read(new PipeLikeStream(bytes)));
        Assert.Contains("line 28", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>No length, no seeking, at most a few bytes per read: what a pipe gives.</summary>
    private sealed class PipeLikeStream(byte[] data) : AptOstree.ForwardOnlyReadStream
    {
        private int _position;

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, 7), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }
}

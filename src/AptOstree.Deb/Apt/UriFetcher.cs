using System.Net;
using Microsoft.Extensions.Logging;

namespace AptOstree.Deb.Apt;

/// <summary>Fetches repository files over http(s), <c>file:</c> URIs and plain local paths; retries transient failures.</summary>
internal sealed class UriFetcher(HttpClient http, ILogger logger, int attempts = 3)
{
    /// <summary>Downloads <paramref name="uri"/> into <paramref name="target"/>; false when the file does not exist (404 / missing file).</summary>
    public async Task<bool> TryDownloadAsync(string uri, string target, bool resume, CancellationToken cancellationToken)
    {
        string? local = LocalPath(uri);
        if (local is not null)
        {
            if (!File.Exists(local))
            {
                return false;
            }

            File.Copy(local, target, overwrite: true);
            return true;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                long offset = resume && File.Exists(target) ? new FileInfo(target).Length : 0;
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (offset > 0)
                {
                    request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, null);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    return false;
                }

                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    File.Delete(target);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                bool append = offset > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                await using var output = new FileStream(target, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                AptLog.Fetched(logger, uri, output.Length);
                return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                AptLog.DownloadRetry(logger, uri, attempt, ex.Message);
                if (attempt >= attempts)
                {
                    throw new AptException(AptErrorCodes.DownloadFailed, $"Download of {uri} failed after {attempt} attempts: {ex.Message}", ex);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<byte[]?> TryGetBytesAsync(string uri, CancellationToken cancellationToken)
    {
        string tmp = Path.Combine(Path.GetTempPath(), "aptostree-fetch-" + Guid.NewGuid().ToString("N"));
        try
        {
            return await TryDownloadAsync(uri, tmp, resume: false, cancellationToken).ConfigureAwait(false) ? await File.ReadAllBytesAsync(tmp, cancellationToken).ConfigureAwait(false) : null;
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    private static string? LocalPath(string uri)
    {
        if (uri.StartsWith("file://", StringComparison.Ordinal))
        {
            return new Uri(uri).LocalPath;
        }

        if (uri.StartsWith("file:", StringComparison.Ordinal))
        {
            return uri[5..];
        }

        return uri.StartsWith('/') ? uri : null;
    }
}

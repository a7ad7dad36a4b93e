using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.Logging;

namespace AptOstree.OSTree;

/// <summary>Objects from an archive repository served over HTTP (static files: <c>refs/</c>, <c>objects/</c>, <c>summary</c>).</summary>
internal sealed class HttpObjectSource : IObjectSource
{
    private const int Attempts = 6;
    private const long MaxRepositoryFileSize = 128L * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly Uri _base;
    private readonly ILogger _logger;

    public HttpObjectSource(Uri baseUri, HttpClient? client, ILogger logger)
    {
        _base = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _http = client ?? new HttpClient();
        _ownsClient = client is null;
        _logger = logger;
    }

    public string Description => _base.AbsoluteUri;

    public async Task<Checksum?> ResolveRefAsync(string refName, CancellationToken cancellationToken)
    {
        byte[]? text = await GetBytesAsync("refs/heads/" + refName, 1024, cancellationToken).ConfigureAwait(false);
        return text is not null && Checksum.TryParse(System.Text.Encoding.ASCII.GetString(text).Trim(), out var c) ? c : null;
    }

    public Task<byte[]?> FetchRepositoryFileAsync(string name, CancellationToken cancellationToken) =>
        GetBytesAsync(name, MaxRepositoryFileSize, cancellationToken);

    public Task<byte[]?> FetchMetadataAsync(Checksum checksum, ObjectType type, long maxSize, CancellationToken cancellationToken) =>
        GetBytesAsync(ObjectPath(checksum, type), maxSize, cancellationToken);

    public async Task FetchContentAsync(Checksum checksum, RepositoryTransaction transaction, CancellationToken cancellationToken)
    {
        string path = ObjectPath(checksum, ObjectType.File);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                OstreeLog.Fetching(_logger, path);
                using var response = await _http.GetAsync(new Uri(_base, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Server returned HTTP {(int)response.StatusCode} for {_base}{path}.");
                }

                using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                byte[] prefix = new byte[8];
                await body.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
                uint h = BinaryPrimitives.ReadUInt32BigEndian(prefix);
                if (h == 0 || h > 1024 * 1024)
                {
                    throw new OstreeObjectException(OstreeErrorCodes.InvalidObject, ObjectStore.Name(checksum, ObjectType.File), $"archive header length {h} is invalid");
                }

                byte[] all = new byte[8 + h];
                prefix.CopyTo(all, 0);
                await body.ReadExactlyAsync(all.AsMemory(8, (int)h), cancellationToken).ConfigureAwait(false);
                var header = FileHeader.ParseArchiveHeader(all, ObjectStore.Name(checksum, ObjectType.File), out ulong size, out _);
                if (header.IsSymlink)
                {
                    transaction.WriteContent(header, null, 0, checksum);
                }
                else
                {
                    using var inflate = new DeflateStream(body, CompressionMode.Decompress);
                    transaction.WriteContent(header, inflate, (long)size, checksum);
                }

                return;
            }
            catch (Exception ex) when (attempt < Attempts && ex is HttpRequestException or IOException)
            {
                await Task.Delay(250 * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new OstreeObjectException(OstreeErrorCodes.CorruptObject, ObjectStore.Name(checksum, ObjectType.File), "compressed content is corrupt: " + ex.Message, ex);
            }
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private static string ObjectPath(Checksum checksum, ObjectType type)
    {
        string hex = checksum.ToString();
        return $"objects/{hex[..2]}/{hex[2..]}.{type.Extension(archive: true)}";
    }

    private async Task<byte[]?> GetBytesAsync(string relative, long limit, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                OstreeLog.Fetching(_logger, relative);
                using var response = await _http.GetAsync(new Uri(_base, relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"Server returned HTTP {(int)response.StatusCode} for {_base}{relative}.");
                }

                using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                byte[] chunk = new byte[81920];
                int n;
                while ((n = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    buffer.Write(chunk, 0, n);
                    if (buffer.Length > limit)
                    {
                        throw new AptOstreeException(OstreeErrorCodes.RemoteFailed, $"{_base}{relative} exceeded maximum size of {limit} bytes.");
                    }
                }

                return buffer.ToArray();
            }
            catch (Exception ex) when (attempt < Attempts && ex is HttpRequestException or IOException)
            {
                await Task.Delay(250 * attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

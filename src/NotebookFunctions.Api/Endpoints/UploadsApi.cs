using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>
/// POST /api/uploads?name=FILE: a file a person picked in the web app, stored to be a run's input. It lands under a
/// fresh prefix of the uploads container (never over another upload) and the answer is the input to run over.
/// </summary>
public sealed partial class UploadsApi(BlobServiceClient blobs, ApiOptions options, TimeProvider clock)
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial Regex FileName();

    public Task<IResult> UploadAsync(HttpRequest request) => ApiProblems.GuardAsync(request, async () =>
    {
        var name = request.Query["name"].FirstOrDefault();
        if (string.IsNullOrEmpty(name)) throw ApiException.BadRequest("'name' (the file's name, e.g. ?name=sales.csv) is required", "name");
        if (!FileName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
            throw ApiException.BadRequest($"file name '{name}' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit", "name");
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
            throw ApiException.BadRequest($"'{name}': the request body is empty; send the file's bytes as the body", "body");
        if (request.ContentLength > options.MaxUploadBytes) throw TooLarge(name, request.ContentLength);

        var container = blobs.GetBlobContainerClient(StorageLayout.UploadsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: request.HttpContext.RequestAborted);
        var blobName = $"{clock.GetUtcNow():yyyy-MM-dd}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}/{name}";
        var blob = container.GetBlobClient(blobName);
        await using var body = new LimitedStream(request.Body, options.MaxUploadBytes, () => TooLarge(name, null));
        try
        {
            // Streamed to the blob: an upload of hundreds of megabytes is never held in memory.
            await blob.UploadAsync(body, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = Azure.ETag.All } }, request.HttpContext.RequestAborted);
        }
        catch (ApiException)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw;
        }

        if (body.BytesRead == 0)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw ApiException.BadRequest($"'{name}': the request body is empty; send the file's bytes as the body", "body");
        }

        return Results.Json(new { input = new { container = StorageLayout.UploadsContainer, prefix = blobName }, size = body.BytesRead }, ApiJson.Options, statusCode: 201);
    });

    private ApiException TooLarge(string name, long? size) =>
        new(413, "Upload too large", $"'{name}' is {(size is null ? "larger than" : $"{size} bytes, over")} the upload limit of {options.MaxUploadBytes} bytes; put larger inputs in blob storage and run over their container and prefix",
            new Dictionary<string, object?> { ["limit"] = options.MaxUploadBytes });

    /// <summary>A read-only view of the body that throws once more than the limit has been read, whatever Content-Length said.</summary>
    private sealed class LimitedStream(Stream inner, long limit, Func<Exception> tooLarge) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            BytesRead += read;
            if (BytesRead > limit) throw tooLarge();
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

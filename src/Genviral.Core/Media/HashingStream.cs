using System.Security.Cryptography;

namespace Genviral.Core.Media;

/// <summary>
/// The body of a single-request upload: the bytes already read to check the type, then the rest of the source,
/// hashed as they pass. It states the length the source declared, so the upload can send it as Content-Length, and
/// can only "seek" to where it is: a retry that would need to rewind fails instead, and the queue tries the whole
/// file again.
/// </summary>
internal sealed class HashingStream(byte[] head, int headLength, Stream source, long length, IncrementalHash hash) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Whether every declared byte went through (a source that ends early leaves a short upload, which the caller refuses).</summary>
    public bool Complete => _position == length;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _position < headLength ? CopyHead(buffer) : source.Read(Limit(buffer));
        return Passed(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _position < headLength ? CopyHead(buffer.Span) : await source.ReadAsync(Limit(buffer), cancellationToken);
        return Passed(buffer.Span[..read]);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => length + offset };
        return target == _position ? _position : throw new NotSupportedException("A streamed upload cannot be rewound.");
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int CopyHead(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, headLength - _position);
        head.AsSpan((int)_position, count).CopyTo(buffer);
        return count;
    }

    // Never more than declared: the upload's Content-Length is a promise.
    private Span<byte> Limit(Span<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, length - _position)];

    private Memory<byte> Limit(Memory<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, length - _position)];

    private int Passed(ReadOnlySpan<byte> bytes)
    {
        hash.AppendData(bytes);
        _position += bytes.Length;
        return bytes.Length;
    }
}

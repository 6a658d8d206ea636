namespace Genviral.Core.Media;

/// <summary>A media file type recognised from its first bytes, with the blob name extension and Content-Type it gets.</summary>
public sealed record MediaFormat(string Extension, string ContentType, bool IsVideo)
{
    /// <summary>Enough leading bytes for every signature <see cref="Detect"/> knows.</summary>
    public const int SignatureLength = 12;

    public static readonly MediaFormat Mp4 = new("mp4", "video/mp4", IsVideo: true);
    public static readonly MediaFormat Mov = new("mov", "video/quicktime", IsVideo: true);
    public static readonly MediaFormat M4v = new("m4v", "video/x-m4v", IsVideo: true);
    public static readonly MediaFormat Avi = new("avi", "video/x-msvideo", IsVideo: true);
    public static readonly MediaFormat Jpeg = new("jpg", "image/jpeg", IsVideo: false);
    public static readonly MediaFormat Png = new("png", "image/png", IsVideo: false);

    /// <summary>The format whose signature <paramref name="head"/> starts with, or null.</summary>
    public static MediaFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= SignatureLength && head[4..8].SequenceEqual("ftyp"u8))
        {
            // ISO base media: the major brand says QuickTime or M4V; every other brand is played as MP4.
            var brand = head[8..12];
            return brand.SequenceEqual("qt  "u8) ? Mov : brand[..3].SequenceEqual("M4V"u8) ? M4v : Mp4;
        }

        if (head.Length >= SignatureLength && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
        {
            return Avi;
        }

        if (head.Length >= 3 && head[..3].SequenceEqual((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        return head.Length >= 8 && head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? Png : null;
    }
}

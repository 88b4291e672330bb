package dev.ssmc.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and writes RIFF/WAVE files.
 *
 * <p><b>Reading</b> accepts format tag 1 (integer PCM of 8, 16, 24 or 32 bits; 8-bit is
 * unsigned, the others signed), tag 3 (IEEE float of 32 or 64 bits), and WAVE_FORMAT_EXTENSIBLE
 * (0xFFFE) whose subformat is PCM or IEEE float, with any number of channels. Integer samples
 * are divided by 2^(bits-1), so they land in [-1, 1); floats are kept as they are (64-bit ones
 * rounded to float). For extensible files the container size is decoded; valid bits fewer than
 * that are left-justified by the format, so they scale the same way. Chunks other than
 * {@code fmt } and {@code data} are skipped, including the pad byte after an odd-sized chunk. The
 * reader is strict: a data chunk that claims more bytes than the file has is an error, not a
 * short read, as is a data chunk that is not a whole number of frames or a block align that
 * disagrees with channels × sample size. The RIFF size field is trusted only to stop the chunk
 * walk early (data appended after the RIFF form, such as tags, is ignored); the byte rate is not
 * checked, since writers often get it wrong and it is not needed.
 *
 * <p><b>Writing</b> uses the plain format tags, 1 for {@link WavEncoding#PCM16} and 3 for
 * {@link WavEncoding#FLOAT32} (with the {@code fact} chunk non-PCM formats need), for any number
 * of channels. PCM16 multiplies each sample by 32768, rounds to the nearest integer (halves
 * upward, as {@link Math#round(double)}), and clamps to [-32768, 32767]; so full scale 1.0 becomes
 * 32767, values beyond [-1, 1] clip, and every sample read from a PCM16 file is written back
 * unchanged. NaN has no PCM16 value and is rejected. Files are written atomically (temporary file,
 * then rename).
 */
public final class Wav {
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_IEEE_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT; bytes 0..1 hold the format tag. */
    private static final byte[] SUBFORMAT_GUID_TAIL = HexFormat.of().parseHex("000000001000800000aa00389b71");
    private static final long MAX_RIFF_SIZE = 0xFFFF_FFFFL;

    private Wav() {
    }

    /** How the samples of a data chunk are laid out. */
    private record Format(int tag, int channels, int sampleRate, int bitsPerSample, int blockAlign) {
        int bytesPerSample() {
            return bitsPerSample / 8;
        }
    }

    /** Decodes the sample at {@code offset} of a little-endian buffer. */
    @FunctionalInterface
    private interface SampleDecoder {
        float decode(ByteBuffer buffer, int offset);
    }

    /**
     * Reads a whole WAV file.
     *
     * @throws WavException if the file is not a WAV file this reader supports; the message names the
     *     file and says what is wrong
     */
    public static Audio read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 12) {
                throw new WavException(file, "the file has " + fileSize
                        + " bytes, too few for a RIFF/WAVE header (12 bytes)");
            }
            ByteBuffer riff = readAt(file, channel, 0, 12);
            String riffId = fourCc(riff, 0);
            if (!riffId.equals("RIFF")) {
                throw new WavException(file, switch (riffId) {
                    case "RIFX" -> "big-endian RIFX files are not supported";
                    case "RF64" -> "RF64 (WAV over 4 GiB) files are not supported";
                    default -> "not a RIFF file: it starts with " + printable(riff, 0) + ", not 'RIFF'";
                });
            }
            if (!fourCc(riff, 8).equals("WAVE")) {
                throw new WavException(file, "a RIFF file of form " + printable(riff, 8) + ", not 'WAVE'");
            }
            long riffEnd = 8 + Integer.toUnsignedLong(riff.getInt(4));
            // A RIFF size past the end of the file (a truncated file, or a streaming writer that never
            // patched it) still lets the chunks be walked; the data chunk check below catches truncation.
            long chunksEnd = Math.min(riffEnd, fileSize);

            Format format = null;
            long dataStart = -1;
            long dataSize = -1;
            List<String> seen = new ArrayList<>();
            long position = 12;
            while (position + 8 <= chunksEnd && (format == null || dataStart < 0)) {
                ByteBuffer chunkHeader = readAt(file, channel, position, 8);
                String id = fourCc(chunkHeader, 0);
                long size = Integer.toUnsignedLong(chunkHeader.getInt(4));
                long body = position + 8;
                seen.add(id);
                if (size > fileSize - body) {
                    throw new WavException(file, "the '" + id.strip() + "' chunk at byte " + position + " declares "
                            + size + " bytes but only " + (fileSize - body) + " follow in the file (truncated?)");
                }
                if (id.equals("fmt ")) {
                    if (format != null) {
                        throw new WavException(file, "a second 'fmt ' chunk at byte " + position);
                    }
                    format = parseFormat(file, readAt(file, channel, body, (int) Math.min(size, 40)), size);
                } else if (id.equals("data")) {
                    dataStart = body;
                    dataSize = size;
                }
                position = body + size + (size & 1); // chunks are padded to an even size
            }
            if (format == null) {
                throw new WavException(file, "no 'fmt ' chunk (chunks found: " + seen + ")");
            }
            if (dataStart < 0) {
                throw new WavException(file, "no 'data' chunk (chunks found: " + seen + ")");
            }
            return readSamples(file, channel, format, dataStart, dataSize);
        }
    }

    private static Format parseFormat(Path file, ByteBuffer fmt, long size) throws WavException {
        if (size < 16) {
            throw new WavException(file, "the 'fmt ' chunk has " + size + " bytes, fewer than the 16 it needs");
        }
        int tag = Short.toUnsignedInt(fmt.getShort(0));
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        long sampleRate = Integer.toUnsignedLong(fmt.getInt(4));
        int blockAlign = Short.toUnsignedInt(fmt.getShort(12));
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        int sampleTag = tag;
        String described = formatTagName(tag);
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40) {
                throw new WavException(file, "the 'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE has " + size
                        + " bytes, fewer than the 40 it needs");
            }
            int validBits = Short.toUnsignedInt(fmt.getShort(18));
            byte[] guid = new byte[16];
            fmt.get(24, guid);
            byte[] tail = new byte[14];
            System.arraycopy(guid, 2, tail, 0, 14);
            sampleTag = Short.toUnsignedInt(fmt.getShort(24));
            if (!Arrays.equals(tail, SUBFORMAT_GUID_TAIL)
                    || (sampleTag != FORMAT_PCM && sampleTag != FORMAT_IEEE_FLOAT)) {
                throw new WavException(file, "WAVE_FORMAT_EXTENSIBLE with subformat GUID "
                        + HexFormat.of().formatHex(guid) + " is not supported (supported: PCM and IEEE float)");
            }
            if (validBits > bits) {
                throw new WavException(file, "WAVE_FORMAT_EXTENSIBLE declares " + validBits
                        + " valid bits in a " + bits + "-bit container");
            }
            described = "WAVE_FORMAT_EXTENSIBLE " + formatTagName(sampleTag);
        }
        if (sampleTag == FORMAT_PCM) {
            if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
                throw new WavException(file, described + " with " + bits
                        + " bits per sample is not supported (supported: 8, 16, 24, 32)");
            }
        } else if (sampleTag == FORMAT_IEEE_FLOAT) {
            if (bits != 32 && bits != 64) {
                throw new WavException(file, described + " with " + bits
                        + " bits per sample is not supported (supported: 32, 64)");
            }
        } else {
            throw new WavException(file, "format tag 0x" + String.format("%04X", tag) + " is not supported "
                    + "(supported: 0x0001 PCM, 0x0003 IEEE float, 0xFFFE extensible with PCM or float)");
        }
        if (channels == 0) {
            throw new WavException(file, "the 'fmt ' chunk declares 0 channels");
        }
        if (sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
            throw new WavException(file, "sample rate " + sampleRate + " Hz is not usable");
        }
        if (blockAlign != channels * (bits / 8)) {
            throw new WavException(file, "block align " + blockAlign + " disagrees with " + channels
                    + " channels of " + bits + "-bit samples (" + channels * (bits / 8) + " bytes per frame)");
        }
        return new Format(sampleTag, channels, (int) sampleRate, bits, blockAlign);
    }

    private static String formatTagName(int tag) {
        return switch (tag) {
            case FORMAT_PCM -> "PCM";
            case FORMAT_IEEE_FLOAT -> "IEEE float";
            case FORMAT_EXTENSIBLE -> "WAVE_FORMAT_EXTENSIBLE";
            default -> String.format("format 0x%04X", tag);
        };
    }

    private static Audio readSamples(Path file, FileChannel channel, Format format, long dataStart, long dataSize)
            throws IOException {
        int blockAlign = format.blockAlign();
        if (dataSize % blockAlign != 0) {
            throw new WavException(file, "the data chunk has " + dataSize + " bytes, not a whole number of "
                    + blockAlign + "-byte frames");
        }
        long frameCount = dataSize / blockAlign;
        if (frameCount > Integer.MAX_VALUE - 8) {
            throw new WavException(file, "the data chunk has " + frameCount
                    + " frames, more than a Java array holds");
        }
        SampleDecoder decoder = decoder(format);
        int channels = format.channels();
        int bytesPerSample = format.bytesPerSample();
        float[][] samples = new float[channels][(int) frameCount];
        int framesPerChunk = Math.max(1, FileChannels.CHUNK_BYTES / blockAlign);
        ByteBuffer buffer = ByteBuffer.allocate(framesPerChunk * blockAlign).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < frameCount; done += framesPerChunk) {
            int count = (int) Math.min(framesPerChunk, frameCount - done);
            buffer.clear().limit(count * blockAlign);
            try {
                FileChannels.readFully(channel, dataStart + (long) done * blockAlign, buffer);
            } catch (EOFException e) {
                throw new WavException(file, e.getMessage() + " inside the data chunk (the file shrank while read?)");
            }
            for (int f = 0; f < count; f++) {
                int frameOffset = f * blockAlign;
                for (int c = 0; c < channels; c++) {
                    samples[c][done + f] = decoder.decode(buffer, frameOffset + c * bytesPerSample);
                }
            }
        }
        return new Audio(format.sampleRate(), samples);
    }

    private static SampleDecoder decoder(Format format) {
        if (format.tag() == FORMAT_IEEE_FLOAT) {
            return format.bitsPerSample() == 32
                    ? ByteBuffer::getFloat
                    : (buffer, offset) -> (float) buffer.getDouble(offset);
        }
        return switch (format.bitsPerSample()) {
            case 8 -> (buffer, offset) -> ((buffer.get(offset) & 0xFF) - 128) / 128f;
            case 16 -> (buffer, offset) -> buffer.getShort(offset) / 32768f;
            case 24 -> (buffer, offset) -> ((buffer.get(offset) & 0xFF) | (buffer.get(offset + 1) & 0xFF) << 8
                    | buffer.get(offset + 2) << 16) / 8388608f; // the signed top byte carries the sign
            default -> (buffer, offset) -> (float) (buffer.getInt(offset) / 2147483648.0);
        };
    }

    /**
     * Writes {@code audio} to {@code file} (replacing it atomically) in {@code encoding}.
     *
     * @throws IllegalArgumentException if a sample is NaN in PCM16, or the audio is too large for a
     *     WAV file (4 GiB) or has more channels than the format can describe
     */
    public static void write(Path file, Audio audio, WavEncoding encoding) throws IOException {
        int channels = audio.channelCount();
        int frames = audio.frames();
        int bytesPerSample = encoding.bytesPerSample();
        int blockAlign = channels * bytesPerSample;
        if (blockAlign > 0xFFFF) {
            throw new IllegalArgumentException(channels + " channels of " + encoding
                    + " make frames of " + blockAlign + " bytes; WAV allows at most 65535");
        }
        boolean isFloat = encoding == WavEncoding.FLOAT32;
        int fmtSize = isFloat ? 18 : 16; // non-PCM formats carry cbSize
        long dataSize = (long) frames * blockAlign;
        long riffSize = 4 + (8 + fmtSize) + (isFloat ? 8 + 4 : 0) + 8 + dataSize;
        if (riffSize > MAX_RIFF_SIZE) {
            throw new IllegalArgumentException(frames + " frames of " + channels + " channels of " + encoding
                    + " need " + riffSize + " bytes; a WAV file holds at most " + MAX_RIFF_SIZE);
        }
        if (!isFloat) {
            requireNoNaN(audio);
        }
        ByteBuffer header = ByteBuffer.allocate((int) (riffSize + 8 - dataSize)).order(ByteOrder.LITTLE_ENDIAN);
        putFourCc(header, "RIFF").putInt((int) riffSize);
        putFourCc(header, "WAVE");
        putFourCc(header, "fmt ").putInt(fmtSize)
                .putShort((short) encoding.formatTag())
                .putShort((short) channels)
                .putInt(audio.sampleRate())
                .putInt((int) ((long) audio.sampleRate() * blockAlign)) // byte rate; wraps only for absurd rates
                .putShort((short) blockAlign)
                .putShort((short) (8 * bytesPerSample));
        if (isFloat) {
            header.putShort((short) 0); // cbSize: no extension
            putFourCc(header, "fact").putInt(4).putInt(frames);
        }
        putFourCc(header, "data").putInt((int) dataSize);
        header.flip();

        FileChannels.writeAtomically(file, channel -> {
            FileChannels.writeFully(channel, header);
            int framesPerChunk = Math.max(1, FileChannels.CHUNK_BYTES / blockAlign);
            ByteBuffer buffer = ByteBuffer.allocate(framesPerChunk * blockAlign).order(ByteOrder.LITTLE_ENDIAN);
            float[][] samples = audio.channels();
            for (int done = 0; done < frames; done += framesPerChunk) {
                int count = Math.min(framesPerChunk, frames - done);
                buffer.clear();
                for (int f = done; f < done + count; f++) {
                    for (int c = 0; c < channels; c++) {
                        if (isFloat) {
                            buffer.putFloat(samples[c][f]);
                        } else {
                            buffer.putShort(toPcm16(samples[c][f]));
                        }
                    }
                }
                FileChannels.writeFully(channel, buffer.flip());
            }
        });
    }

    /** Scales by 32768, rounds half up, clamps to the 16-bit range; see the class comment. */
    static short toPcm16(float sample) {
        long scaled = Math.round(sample * 32768.0);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, scaled));
    }

    private static void requireNoNaN(Audio audio) {
        float[][] samples = audio.channels();
        for (int c = 0; c < samples.length; c++) {
            for (int f = 0; f < samples[c].length; f++) {
                if (Float.isNaN(samples[c][f])) {
                    throw new IllegalArgumentException("channel " + c + ", frame " + f
                            + " is NaN, which PCM16 cannot represent");
                }
            }
        }
    }

    private static ByteBuffer putFourCc(ByteBuffer buffer, String id) {
        for (int i = 0; i < 4; i++) {
            buffer.put((byte) id.charAt(i));
        }
        return buffer;
    }

    private static ByteBuffer readAt(Path file, FileChannel channel, long position, int length) throws IOException {
        try {
            return FileChannels.readFully(channel, position, length);
        } catch (EOFException e) {
            throw new WavException(file, e.getMessage() + " while reading " + length + " bytes at byte " + position);
        }
    }

    private static String fourCc(ByteBuffer buffer, int offset) {
        char[] id = new char[4];
        for (int i = 0; i < 4; i++) {
            id[i] = (char) (buffer.get(offset + i) & 0xFF);
        }
        return new String(id);
    }

    /** A four-character code quoted if it is printable ASCII, else in hex. */
    private static String printable(ByteBuffer buffer, int offset) {
        String id = fourCc(buffer, offset);
        return id.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F)
                ? "'" + id + "'"
                : "bytes " + HexFormat.ofDelimiter(" ").formatHex(new byte[] {buffer.get(offset),
                        buffer.get(offset + 1), buffer.get(offset + 2), buffer.get(offset + 3)});
    }
}

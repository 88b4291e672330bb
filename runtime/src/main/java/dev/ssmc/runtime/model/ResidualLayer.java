package dev.ssmc.runtime.model;

import java.util.List;

/**
 * {@code post(x + norm(body(x)))}: a residual block, or with an identity norm and post, a skip
 * addition around a U-Net level. A mask ({@link #mask(List, ActivationLayer, ActivationLayer)})
 * multiplies instead: {@code x * post(norm(body(x)))}, its post the sigmoid. Streaming keeps the
 * input samples whose body output has not arrived yet (a body that pools emits later than it
 * reads) and combines them with it as it catches up.
 */
public final class ResidualLayer implements Layer {
    private final List<Layer> body;
    private final ActivationLayer bodyNorm;
    private final ActivationLayer post;
    private final boolean mask;

    public ResidualLayer(List<Layer> body, ActivationLayer bodyNorm, ActivationLayer post) {
        this(body, bodyNorm, post, false);
    }

    private ResidualLayer(List<Layer> body, ActivationLayer bodyNorm, ActivationLayer post, boolean mask) {
        this.body = List.copyOf(body);
        this.bodyNorm = bodyNorm;
        this.post = post;
        this.mask = mask;
    }

    /** {@code x * gain(norm(body(x)))}: a mask whose {@code gain} (a sigmoid) scales every sample of its input. */
    public static ResidualLayer mask(List<Layer> body, ActivationLayer bodyNorm, ActivationLayer gain) {
        return new ResidualLayer(body, bodyNorm, gain, true);
    }

    /** The layers of the body, in order. */
    public List<Layer> body() {
        return body;
    }

    @Override
    public Signal apply(Signal x) {
        Signal h = x;
        for (Layer l : body) {
            h = l.apply(h);
        }
        return combine(x, bodyNorm.apply(h));
    }

    /** The block's output from its input and its body's normalized output. */
    private Signal combine(Signal x, Signal normed) {
        return mask ? x.times(post.apply(normed)) : post.apply(x.plus(normed));
    }

    @Override
    public Signal forward(Signal x, Tape tape) {
        Signal h = x;
        for (Layer l : body) {
            h = l.forward(h, tape);
        }
        Signal normed = bodyNorm.forward(h, tape);
        if (!mask) {
            return post.forward(x.plus(normed), tape);
        }
        Signal gain = post.forward(normed, tape);
        tape.push(x);
        tape.push(gain);
        return x.times(gain);
    }

    @Override
    public Signal backward(Signal dy, Tape tape, Grads grads) {
        Signal dx; // the gradient that reaches the input directly
        Signal dNormed;
        if (mask) {
            Signal gain = tape.pop();
            Signal x = tape.pop();
            dx = dy.times(gain);
            dNormed = post.backward(dy.times(x), tape, grads);
        } else {
            dx = post.backward(dy, tape, grads);
            dNormed = dx;
        }
        Signal dh = bodyNorm.backward(dNormed, tape, grads);
        for (int i = body.size() - 1; i >= 0; i--) {
            dh = body.get(i).backward(dh, tape, grads);
        }
        return dx.plus(dh);
    }

    @Override
    public Streamer streamer(int batch) {
        List<Streamer> streams = body.stream().map(l -> l.streamer(batch)).toList();
        return new Streamer() {
            private Signal waiting;

            @Override
            public Signal process(Signal chunk) {
                waiting = waiting == null ? chunk : waiting.concat(chunk);
                Signal h = chunk;
                for (Streamer s : streams) {
                    h = s.process(h);
                }
                Signal out = combine(waiting.slice(0, h.length()), bodyNorm.apply(h));
                waiting = waiting.slice(h.length(), waiting.length());
                return out;
            }
        };
    }
}

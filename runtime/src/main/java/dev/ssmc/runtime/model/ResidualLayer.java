package dev.ssmc.runtime.model;

import java.util.List;

/**
 * {@code post(x + norm(body(x)))}: a residual block, or with an identity norm and post, a skip
 * addition around a U-Net level. Streaming keeps the input samples whose body output has not
 * arrived yet (a body that pools emits later than it reads) and adds them as it catches up.
 */
public final class ResidualLayer implements Layer {
    private final List<Layer> body;
    private final ActivationLayer bodyNorm;
    private final ActivationLayer post;

    public ResidualLayer(List<Layer> body, ActivationLayer bodyNorm, ActivationLayer post) {
        this.body = List.copyOf(body);
        this.bodyNorm = bodyNorm;
        this.post = post;
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
        return post.apply(x.plus(bodyNorm.apply(h)));
    }

    @Override
    public Signal forward(Signal x, Tape tape) {
        Signal h = x;
        for (Layer l : body) {
            h = l.forward(h, tape);
        }
        return post.forward(x.plus(bodyNorm.forward(h, tape)), tape);
    }

    @Override
    public Signal backward(Signal dy, Tape tape, Grads grads) {
        Signal dSum = post.backward(dy, tape, grads);
        Signal dh = bodyNorm.backward(dSum, tape, grads);
        for (int i = body.size() - 1; i >= 0; i--) {
            dh = body.get(i).backward(dh, tape, grads);
        }
        return dSum.plus(dh);
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
                Signal out = post.apply(waiting.slice(0, h.length()).plus(bodyNorm.apply(h)));
                waiting = waiting.slice(h.length(), waiting.length());
                return out;
            }
        };
    }
}

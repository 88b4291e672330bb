/**
 * The training kit: everything between a data set on disk and a network's parameters, except the
 * network itself (its forward and backward passes are the generated code's or the runtime
 * model's).
 *
 * <p>A keyword-spotting training loop, in outline:
 *
 * <pre>{@code
 * SpeechCommands data = SpeechCommands.open(dir);                 // 12 classes, silence, 1 s clips
 * ClipSet train = data.load(SpeechCommands.Split.TRAIN);          // read once, kept in memory
 * ClipSet validation = data.load(SpeechCommands.Split.VALIDATION);
 * AdamW adam = new AdamW(network.parameters());                   // dynamics at 0.1x, no decay
 * Schedule schedule = Schedule.cosine(peakLr, warmupSteps, totalSteps, 0);
 * long step = 0;
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     try (PrefetchingBatches<Batch> batches = Batches.training(train, 32, seed, epoch,
 *             Augmentation.defaults(16000), noiseRecordings).prefetching(2)) {   // speed, pitch, masks, noise
 *         while (batches.hasNext()) {
 *             Batch batch = batches.next();                       // inputs [32 * 16000], labels [32]
 *             Tensor logits = ...forward(batch.inputs())...;
 *             Loss loss = CrossEntropy.of(logits, batch.labels());
 *             Map<String, float[]> grads = ...backward(loss.gradient())...;
 *             GradientClipping.clipByGlobalNorm(grads, 1.0);
 *             adam.step(network.params(), grads, schedule.lr(step++));
 *         }
 *     }
 *     ConfusionMatrix m = new ConfusionMatrix(data.labels().size());
 *     Batches eval = Batches.evaluation(validation, 64);            // fixed order and silence
 *     while (eval.hasNext()) { Batch b = eval.next(); m.add(...logits..., b.labels()); }
 * }
 * // to resume: save adam.state() beside the checkpoint, and adam.loadState(...) it back
 * }</pre>
 *
 * <p>A denoiser uses {@link dev.ssmc.runtime.train.L1} and
 * {@link dev.ssmc.runtime.train.MultiResolutionStft} as losses and
 * {@link dev.ssmc.runtime.train.SiSnr} as its metric.
 *
 * <p>A speech recognizer (CTC over a per-frame head) uses the same optimizer and schedule with
 * its own data and loss:
 *
 * <pre>{@code
 * TranscribedSpeech data = TranscribedSpeech.open(dir, TranscribedSpeech.Options.defaults()); // 8 kHz
 * Alphabet alphabet = data.alphabet();                             // blank 0, space, letters: the head's classes
 * List<Utterance> train = data.load(SpeechCommands.Split.TRAIN);
 * BackgroundNoise noise = TranscribedSpeech.readNoise(noiseDir, 8000);   // resampled to 8 kHz
 * UtteranceBatches batches = UtteranceBatches.training(train, 16, seed, epoch,
 *         UtteranceAugmentation.defaults(), noise);
 * UtteranceBatch b = batches.next();                               // inputs [16 * b.length()], padded
 * Tensor logits = ...forward(b.inputs())...;                       // [16, classes, frames]
 * CtcLoss.Result ctc = CtcLoss.of(logits, b.frameLengths(samplesPerFrame), b.labels(),
 *         CtcLoss.Options.DEFAULTS.withZeroInfinity(true));
 * ...backward(ctc.gradient())...;
 * // evaluation: decode each item's own frames, then score against its transcript
 * FrameLogits item = LogitsLayout.CLASSES_BY_FRAMES.item(logits.data(), i, frames, classes).firstFrames(n);
 * errorRates.add(b.texts().get(i), alphabet.decode(CtcDecoder.greedy(item)));
 * // live audio: StreamingTranscriber says each word once every kept beam prefix agrees on it
 * }</pre>
 *
 * <p>Determinism: with the same seed and data, every random draw (order, silence, augmentation,
 * initialization through {@link dev.ssmc.runtime.train.Init}) and every arithmetic step is the
 * same, so a run gives bit-identical parameters on one machine, with or without prefetching.
 */
package dev.ssmc.runtime.train;

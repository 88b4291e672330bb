#!/usr/bin/env bash
# Makes a small keyword-spotting data set in the Speech Commands layout with espeak-ng and sox:
# one folder per word of 16 kHz mono 16-bit WAVs, one second each, validation_list.txt and
# testing_list.txt split by voice (no voice in two splits, so a test measures unseen speakers),
# and _background_noise_/ with white, pink and brown noise and a babble of voices.
#
# Everything is deterministic: the same arguments give the same files (sox's noise uses its fixed
# seed, dithering is off). Running it again with the same arguments only makes what is missing;
# with other arguments it stops rather than mix two data sets in one folder.
set -euo pipefail

readonly KEYWORDS="yes,no,up,down,left,right,on,off,stop,go"
readonly DEFAULT_WORDS="$KEYWORDS,bed,bird,cat,dog,happy,house,marvin,sheila,tree,wow"
readonly DEFAULT_ACCENTS="en-us,en-gb,en-029,en-gb-scotland,en-gb-x-rp"
readonly DEFAULT_VARIANTS="m1,m3,m5,f1,f3,f5,klatt,croak"
readonly SAMPLE_RATE=16000

usage() {
  cat <<EOF
Usage: $(basename "$0") [options] OUTPUT_DIR

Makes a Speech-Commands-layout keyword-spotting set in OUTPUT_DIR with espeak-ng and sox
(installed with apt-get when missing, through sudo unless run as root).

Options:
  -w, --words LIST       comma-separated words, one folder each
                         (default: $DEFAULT_WORDS)
  -v, --voices LIST      comma-separated espeak-ng voices, LANGUAGE or LANGUAGE+VARIANT
                         (default: every accent with every variant, below: 40 voices)
  -a, --accents LIST     instead of --voices: comma-separated espeak-ng languages, each spoken
                         with every variant of --variants, accent by accent
                         (default: $DEFAULT_ACCENTS)
      --variants LIST    the variants for --accents (espeak-ng --voices=variant)
                         (default: $DEFAULT_VARIANTS)
      --validation N     voices in the validation split (default: one in eight, at least 1;
                         0 with --test all)
      --test N|all       voices in the test split (default: as many as validation); "all" puts
                         every voice in it: a set only to evaluate on, such as voices a
                         spotter was not trained on
      --noise-seconds S  length of each background noise recording (default: 30)
  -h, --help             this text

Splits: the voices are taken in the order given; the last N (--test) are the test split, the N
(--validation) before them the validation split, the rest training. Files are
WORD/VOICE_nohash_0.wav with '+' in the voice name written as '-'.

Examples: $(basename "$0") -w yes,no,cat -v en-us+m1,en-us+f1,en-gb+m3,en-gb+f3 /tmp/kws-small
          $(basename "$0") -w yes,no,cat -v en-us+Alicia,en-gb+david --test all /tmp/kws-new-voices
EOF
}

die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

words="$DEFAULT_WORDS"
voices=""
accents=""
variants=""
validation=""
test_count=""
noise_seconds=30
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -w | --words) [[ $# -ge 2 ]] || die "$1 needs a value"; words="$2"; shift 2 ;;
    -v | --voices) [[ $# -ge 2 ]] || die "$1 needs a value"; voices="$2"; shift 2 ;;
    -a | --accents) [[ $# -ge 2 ]] || die "$1 needs a value"; accents="$2"; shift 2 ;;
    --variants) [[ $# -ge 2 ]] || die "$1 needs a value"; variants="$2"; shift 2 ;;
    --validation) [[ $# -ge 2 ]] || die "$1 needs a value"; validation="$2"; shift 2 ;;
    --test) [[ $# -ge 2 ]] || die "$1 needs a value"; test_count="$2"; shift 2 ;;
    --noise-seconds) [[ $# -ge 2 ]] || die "$1 needs a value"; noise_seconds="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [[ -z "$out" ]] || die "one output folder only (got '$out' and '$1')"; out="$1"; shift ;;
  esac
done
[[ -n "$out" ]] || { usage >&2; die "no output folder given"; }

if [[ -n "$voices" ]]; then
  [[ -z "$accents$variants" ]] || die "give either --voices or --accents and --variants, not both"
else
  IFS=',' read -r -a accent_list <<<"${accents:-$DEFAULT_ACCENTS}"
  IFS=',' read -r -a variant_list <<<"${variants:-$DEFAULT_VARIANTS}"
  for accent in "${accent_list[@]}"; do
    for variant in "${variant_list[@]}"; do
      voices+="${voices:+,}$accent+$variant"
    done
  done
fi
IFS=',' read -r -a word_list <<<"$words"
IFS=',' read -r -a voice_list <<<"$voices"
[[ ${#word_list[@]} -gt 0 ]] || die "no words given"
for word in "${word_list[@]}"; do
  [[ "$word" =~ ^[a-z][a-z0-9]*$ ]] || die "word '$word' must be lower-case letters and digits (it names a folder)"
  [[ "$word" != silence ]] || die "'silence' is a class of its own, not a word"
done
for voice in "${voice_list[@]}"; do
  [[ "$voice" =~ ^[A-Za-z0-9-]+(\+[A-Za-z0-9_-]+)?$ ]] || die "voice '$voice' is not LANGUAGE or LANGUAGE+VARIANT"
done
[[ "$(printf '%s\n' "${word_list[@]}" | sort | uniq -d)" == "" ]] || die "a word is given twice"
[[ "$(printf '%s\n' "${voice_list[@]}" | sort | uniq -d)" == "" ]] || die "a voice is given twice"

n_voices=${#voice_list[@]}
if [[ "$test_count" == all ]]; then
  # an evaluation-only set: no training or validation voices
  [[ -z "$validation" || "$validation" == 0 ]] || die "--test all puts every voice in the test split; drop --validation"
  validation=0
  test_count=$n_voices
fi
if [[ -z "$validation" ]]; then
  validation=$((n_voices / 8 > 0 ? n_voices / 8 : 1))
fi
test_count="${test_count:-$validation}"
[[ "$validation" =~ ^[0-9]+$ && "$test_count" =~ ^[0-9]+$ ]] || die "--validation takes a whole number, --test one or 'all'"
[[ "$noise_seconds" =~ ^[1-9][0-9]*$ ]] || die "--noise-seconds takes a positive whole number"
((validation + test_count < n_voices || (validation == 0 && test_count == n_voices))) ||
  die "$n_voices voices cannot give $validation validation and $test_count test voices and leave some for training" \
    "(--test all makes a set only to evaluate on)"

# --- tools -----------------------------------------------------------------------------------
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]} with apt-get" >&2
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    die "${missing[*]} missing, and neither root nor sudo to install them"
  fi
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
known_variants="$(espeak-ng --voices=variant | awk 'NR > 1 { sub(/^.*\//, "", $5); print $5 }')"
for voice in "${voice_list[@]}"; do
  language="${voice%%+*}"
  espeak-ng -v "$language" -q "x" 2>/dev/null ||
    die "espeak-ng has no voice '$language' (see espeak-ng --voices)"
  if [[ "$voice" == *+* ]]; then
    # an unknown variant is silently ignored by espeak-ng, which would make two voices the same
    grep -qxF -- "${voice#*+}" <<<"$known_variants" ||
      die "espeak-ng has no variant '${voice#*+}' (see espeak-ng --voices=variant)"
  fi
done

# --- the output folder -----------------------------------------------------------------------
settings="words=$words
voices=$voices
validation=$validation
test=$test_count
noise_seconds=$noise_seconds
sample_rate=$SAMPLE_RATE"
mkdir -p "$out"
stamp="$out/.make-dataset-settings"
if [[ -f "$stamp" ]]; then
  [[ "$(cat "$stamp")" == "$settings" ]] ||
    die "$out was made with other settings (see $stamp); use another folder or delete it"
elif [[ -n "$(ls -A "$out")" ]]; then
  die "$out is not empty and was not made by this script; use an empty or new folder"
fi
printf '%s\n' "$settings" >"$stamp"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# sox flags: no dithering and sox's fixed random seed, so the output is the same every run;
# warnings off (pad warns that trim ends the stream before its end padding is all used)
sox_det=(sox -V1 -D -R)

file_of_voice() { echo "${1//+/-}_nohash_0.wav"; }

# --- words -----------------------------------------------------------------------------------
made=0
for word in "${word_list[@]}"; do
  mkdir -p "$out/$word"
  for voice in "${voice_list[@]}"; do
    target="$out/$word/$(file_of_voice "$voice")"
    [[ -s "$target" ]] && continue
    espeak-ng -v "$voice" -w "$work/raw.wav" -- "$word"
    # to 16 kHz mono 16-bit, peak at -3 dBFS, then zero-padded or cut to exactly one second
    # (the rate effect comes first, so that trim counts samples at 16 kHz)
    "${sox_det[@]}" "$work/raw.wav" -c 1 -b 16 "$work/clip.wav" \
      rate "$SAMPLE_RATE" norm -3 pad 0 1 trim 0 "${SAMPLE_RATE}s"
    mv "$work/clip.wav" "$target"
    made=$((made + 1))
  done
done

# --- splits by voice -------------------------------------------------------------------------
first_test=$((n_voices - test_count))
first_validation=$((first_test - validation))
: >"$work/validation"
: >"$work/test"
for ((i = first_validation; i < n_voices; i++)); do
  list="$work/validation"
  ((i >= first_test)) && list="$work/test"
  for word in "${word_list[@]}"; do
    echo "$word/$(file_of_voice "${voice_list[$i]}")" >>"$list"
  done
done
LC_ALL=C sort "$work/validation" >"$out/validation_list.txt"
LC_ALL=C sort "$work/test" >"$out/testing_list.txt"

# --- background noise ------------------------------------------------------------------------
noise="$out/_background_noise_"
mkdir -p "$noise"
for color in white pink brown; do
  target="$noise/${color}noise.wav"
  [[ -s "$target" ]] && continue
  "${sox_det[@]}" -n -r "$SAMPLE_RATE" -c 1 -b 16 "$work/noise.wav" synth "$noise_seconds" "${color}noise" vol 0.3
  mv "$work/noise.wav" "$target"
done
if [[ ! -s "$noise/babble.wav" ]]; then
  # several voices at once, each saying all the words over and over, mixed down
  sentence="${words//,/ }"
  parts=()
  for ((i = 0; i < n_voices && i < 6; i++)); do
    espeak-ng -v "${voice_list[$i]}" -w "$work/talk$i.raw.wav" -- "$sentence"
    "${sox_det[@]}" "$work/talk$i.raw.wav" -c 1 -b 16 "$work/talk$i.wav" \
      rate "$SAMPLE_RATE" pad "0.$i" 0 repeat $((noise_seconds * 2)) trim 0 "$((noise_seconds * SAMPLE_RATE))s"
    parts+=("$work/talk$i.wav")
  done
  if [[ ${#parts[@]} -gt 1 ]]; then
    "${sox_det[@]}" -m "${parts[@]}" "$work/babble.wav" norm -6
  else
    "${sox_det[@]}" "${parts[0]}" "$work/babble.wav" norm -6
  fi
  mv "$work/babble.wav" "$noise/babble.wav"
fi

cat >"$out/README.md" <<EOF
Synthetic keyword-spotting set in the Speech Commands layout, made by examples/kws/make-dataset.sh
(espeak-ng voices; ${SAMPLE_RATE} Hz mono 16-bit, one second per clip).
Words: ${words//,/ }.
${n_voices} voices: $((n_voices - validation - test_count)) train, ${validation} validation, ${test_count} test, disjoint.
Noise: _background_noise_/ (white, pink, brown, babble; ${noise_seconds} s each).
EOF

total=$((${#word_list[@]} * n_voices))
echo "$out: ${#word_list[@]} words x $n_voices voices = $total clips ($made new);" \
  "$(wc -l <"$out/validation_list.txt") validation, $(wc -l <"$out/testing_list.txt") test"

/**
 * Text ↔ token ids from a Hugging Face {@code tokenizer.json}.
 *
 * <p>{@link dev.railyard.host.tokenizer.Tokenizer#load(java.nio.file.Path)} reads the file and
 * builds the same pipeline the Hugging Face {@code tokenizers} library runs: added tokens are split
 * out of the text, the rest is normalized, pre-tokenized into words, each word is encoded by the BPE
 * model, and a post-processor may add BOS and similar tokens. Decoding runs the file's decoder;
 * {@link dev.railyard.host.tokenizer.StreamingDecoder} does it one token at a time and only ever
 * hands out whole characters.
 *
 * <p>Supported: BPE models, both byte-level (GPT-2, Llama 3, Qwen2) and SentencePiece-style with
 * byte fallback (Llama 2, Mistral). Everything else in this package is package-private.
 */
package dev.railyard.host.tokenizer;

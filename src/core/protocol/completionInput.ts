/**
 * The text a model without a chat template is sent (and any model, for a raw-completion format):
 * the completion prompt, then the part of the answer written for it. The model server sends this,
 * `quarry ask --print-prompt` prints it, and training data for such a model is this text byte for
 * byte: one function, so the three cannot drift apart.
 */
export function completionInput(prompt: { completion: string; responsePrefix?: string }): string {
  return prompt.completion + (prompt.responsePrefix ?? '');
}

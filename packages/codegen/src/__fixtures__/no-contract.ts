/** A module that exports no contract. */
export const answer = 42;

export function greet(name: string): string {
  return `hello ${name}`;
}

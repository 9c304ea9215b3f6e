/** Who is calling: a signed-in person, an integration's API token, or preplan itself. */
export interface Actor {
  id: string;
  roles: string[];
  kind: 'user' | 'token';
  displayName?: string;
  demo?: boolean;
}

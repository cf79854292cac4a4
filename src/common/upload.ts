import { GraphQLError, GraphQLScalarType } from 'graphql';

/** A file received through a GraphQL multipart request, fully read and size-checked. */
export class Upload {
  constructor(
    readonly filename: string,
    readonly mimetype: string,
    readonly content: Buffer,
  ) {}
}

/**
 * Files arrive only as variables of a multipart request (the GraphQL multipart request spec);
 * the HTTP layer puts an `Upload` where the `map` points, so the scalar only checks for one.
 */
export const UploadScalar = new GraphQLScalarType<Upload, never>({
  name: 'Upload',
  description: 'A file sent with a multipart/form-data request (GraphQL multipart request spec; needs the `apollo-require-preflight` header).',
  parseValue(value) {
    if (value instanceof Upload) return value;
    throw new GraphQLError('Upload value must be a file part of a multipart request (see the GraphQL multipart request spec)');
  },
  parseLiteral() {
    throw new GraphQLError('Upload cannot be written inline; send the file as a variable in a multipart request');
  },
  serialize() {
    throw new GraphQLError('Upload is an input-only type');
  },
});

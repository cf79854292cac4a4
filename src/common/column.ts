import { Index, Property } from '@mikro-orm/core';
import { Field, Int } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';

type ColumnType = 'string' | 'text' | 'boolean' | 'integer' | 'datetime' | 'json';

export interface ColumnOptions {
  type: ColumnType;
  nullable?: boolean;
  /** Shown in the schema, so Sandbox documents the field in the seed's words. */
  description?: string;
  /** false keeps the column out of the GraphQL schema (secrets, internal state). */
  graphql?: boolean;
  /** GraphQL name when it differs from the property. */
  name?: string;
  length?: number;
  index?: boolean;
  default?: string | number | boolean;
}

const graphqlType = { string: String, text: String, boolean: Boolean, integer: Int, datetime: GraphQLDateTimeISO, json: GraphQLJSON };
const ormType = { string: 'string', text: 'text', boolean: 'boolean', integer: 'integer', datetime: 'datetime', json: 'json' };

/**
 * One decorator for an attribute that is both a database column and a GraphQL field, so the
 * two cannot disagree on type or nullability.
 */
export function Column(options: ColumnOptions): PropertyDecorator {
  return (target, key) => {
    Property({
      type: ormType[options.type],
      nullable: options.nullable ?? false,
      ...(options.length !== undefined ? { length: options.length } : {}),
      ...(options.default !== undefined ? { default: options.default } : {}),
    })(target, key as string);
    if (options.index) (Index() as PropertyDecorator)(target, key);
    if (options.graphql !== false) {
      Field(() => graphqlType[options.type], {
        nullable: options.nullable ?? false,
        description: options.description,
        name: options.name,
      })(target, key);
    }
  };
}

import { Field, ID, InterfaceType } from 'type-graphql';
import { graphqlTypeOf } from '../graph/rows.js';

/** Relay's Node: every object with an id can be fetched again with `node(id)`. */
@InterfaceType({ description: 'An object with a globally unique id.', resolveType: (value: object) => graphqlTypeOf(value) })
export abstract class Node {
  @Field(() => ID, { description: 'Unique id of the object (24 hex characters), usable with `node(id)`.' })
  id!: string;
}

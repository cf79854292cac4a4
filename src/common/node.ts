import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with an id can be fetched again with `node(id)`. */
@InterfaceType({ description: 'An object with a globally unique id.' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

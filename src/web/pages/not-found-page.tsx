import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { Page } from '../components/page.tsx';

/** A path the app has no page for. */
export function NotFoundPage() {
  return (
    <Page title="Nothing here" documentTitle="Not found">
      <Text>
        There is no page at this address.{' '}
        <Anchor component={Link} to="/">
          Back to the strategy map
        </Anchor>
        .
      </Text>
    </Page>
  );
}

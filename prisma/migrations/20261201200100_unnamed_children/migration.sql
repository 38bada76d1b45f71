-- A child the service cannot name yet (a street child, an unaccompanied migrant child): the names
-- are optional, an alias or a description stands in for them, and an estimated age gives an
-- approximate birth date (1 January of the estimated year, birth_date_approximate). The identity
-- is completed later.

-- AlterTable
ALTER TABLE "children" ALTER COLUMN "first_name" DROP NOT NULL,
ALTER COLUMN "last_name" DROP NOT NULL,
ADD COLUMN "alias" TEXT;
